// What the server put in the page (a JSON block, no inline script: CSP): which page, the corp, the app's
// agentid and the JS-SDK APIs to register, the corp's time zone, the member signed in.
export interface Boot {
  page: 'sidebar' | 'tasks';
  corpId: string;
  agentId: string;
  jsApiList: string[];
  timezone: string;
  me: { userid: string; name: string };
  /** The task page: the task the app message pointed at. */
  taskId?: number | null;
}

export function readBoot(): Boot {
  const el = document.getElementById('pond-boot');
  return JSON.parse(el?.textContent ?? '{}') as Boot;
}
