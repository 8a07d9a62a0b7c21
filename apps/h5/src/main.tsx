// The staff pages' one entry: the server says which page this is (boot data); both share the sign-in
// (a sidebar session), the API client and the JS-SDK.
import { render } from 'preact';
import './styles.css';
import { readBoot } from './boot';
import { setTimeZone } from './format';
import { SidebarApp } from './sidebar/SidebarApp';
import { TasksApp } from './tasks/TasksApp';
import { Toaster } from './ui';

const boot = readBoot();
setTimeZone(boot.timezone);
const root = document.getElementById('app')!;
root.textContent = '';
render(
  <>
    {boot.page === 'tasks' ? <TasksApp boot={boot} /> : <SidebarApp boot={boot} />}
    <Toaster />
  </>,
  root,
);
