// Module boundaries (ARCHITECTURE.md "Modules"), checked by `npm run boundaries` in `npm test`.
/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      severity: 'error',
      comment: 'No import cycles, inside a module or between modules (type-only imports included: they are still coupling).',
      from: { path: '^(apps/server/src|packages/[^/]+/src|apps/console/src|apps/h5/src)' },
      to: { circular: true },
    },
    {
      name: 'module-internals',
      severity: 'error',
      comment: 'A module is used through its index.ts; its other files are its own.',
      from: { path: '^apps/server/src/modules/([^/]+)/' },
      to: { path: '^apps/server/src/modules/', pathNot: ['^apps/server/src/modules/$1/', '^apps/server/src/modules/[^/]+/index\\.ts$'] },
    },
    {
      name: 'composition-root-uses-index',
      severity: 'error',
      comment: 'app.ts, main.ts and bootstrap.ts wire modules through their index.ts too.',
      from: { path: '^apps/server/src/[^/]+\\.ts$' },
      to: { path: '^apps/server/src/modules/[^/]+/(?!index\\.ts$)' },
    },
    {
      name: 'platform-below-modules',
      severity: 'error',
      comment: 'platform/ is plumbing every module uses; it knows no module.',
      from: { path: '^apps/server/src/platform/' },
      to: { path: '^apps/server/src/(modules/|app\\.ts|main\\.ts|bootstrap\\.ts)' },
    },
    {
      name: 'packages-below-apps',
      severity: 'error',
      comment: 'Packages never import an app.',
      from: { path: '^packages/' },
      to: { path: '^apps/' },
    },
    {
      name: 'contracts-are-leaves',
      severity: 'error',
      comment: 'Contracts depend on zod only: the console bundles them.',
      from: { path: '^packages/contracts/' },
      to: { path: '^(apps|packages/(?!contracts/))', pathNot: 'node_modules' },
    },
    {
      name: 'h5-talks-http',
      severity: 'error',
      comment: 'The staff pages (apps/h5) reach the server over HTTP; of the workspace they import only the contracts, and those as types.',
      from: { path: '^apps/h5/' },
      to: { path: '^(apps/(server|console)|packages/(wecom|wecom-sim))/' },
    },
    {
      name: 'console-talks-http',
      severity: 'error',
      comment: 'The console reaches the server over HTTP; of the workspace it imports only the contracts.',
      from: { path: '^apps/console/' },
      to: { path: '^(apps/server|packages/(wecom|wecom-sim))/' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '(^|/)(node_modules|dist)/' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['import', 'require', 'node', 'default', 'types'], extensions: ['.ts', '.tsx', '.js', '.mjs'] },
    combinedDependencies: true,
  },
};
