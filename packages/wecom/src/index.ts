export * from './codec';
export * from './errors';
export * from './token-store';
export * from './rate-limiter';
export * from './transport';
export * from './client';
export type * from './types';
