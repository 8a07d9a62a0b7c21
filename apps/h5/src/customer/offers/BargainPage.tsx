// Placeholder until the kind's page lands (issue 13): says the page is coming, in both languages.
import type { KindPageProps } from '../boot';

export function BargainPage(_props: KindPageProps) {
  return <div class="c-card">页面即将上线 <span class="en">This page is coming soon.</span></div>;
}
