// The review as a print-ready page (outside the console's frame): the same parts, a print stylesheet (A4, no buttons,
// cards not split across pages), and the browser's print dialog once the numbers are in.
import { Skeleton, Typography } from 'antd';
import { useEffect } from 'react';
import { useTranslation } from 'react-i18next';
import { useParams } from 'react-router-dom';
import { QueryError } from '../../components/query-error';
import { useReview } from './hooks';
import { ChannelsTable, CostCard, DailyChart, GoalCard, LinkedTable, MetricsTable, MilestoneList, PlanFacts, SentTable } from './review-parts';
import './print.css';

export default function PlanPrintPage() {
  const { t } = useTranslation('plans');
  const id = Number(useParams().id);
  const q = useReview(id);
  const r = q.data;
  useEffect(() => {
    if (!r || new URLSearchParams(window.location.search).has('noprint')) return;
    const timer = window.setTimeout(() => window.print(), 600); // the chart draws first
    return () => window.clearTimeout(timer);
  }, [r]);
  if (!r) return <div className="plan-print"><QueryError query={q} /><Skeleton active /></div>;
  const section = (title: string, body: React.ReactNode) => <section className="plan-print-section"><h2>{title}</h2>{body}</section>;
  return (
    <div className="plan-print" data-testid="plan-print">
      <Typography.Title level={1}>{t('review')} · {r.plan.name}</Typography.Title>
      {section(t('sections.theme'), <PlanFacts r={r} />)}
      <div className="plan-print-row"><GoalCard r={r} /><CostCard r={r} /></div>
      {section(t('sections.expected'), <MetricsTable r={r} />)}
      {section(t('daily'), <DailyChart r={r} height={240} />)}
      {section(t('linked'), <LinkedTable r={r} />)}
      {section(t('byChannel'), <ChannelsTable r={r} />)}
      {section(t('sent'), <SentTable r={r} />)}
      {section(t('milestones'), <MilestoneList r={r} />)}
      {section(t('reviewNotes'), (
        <dl>
          <dt>{t('worked')}</dt><dd>{r.plan.review.worked || '—'}</dd>
          <dt>{t('didnt')}</dt><dd>{r.plan.review.didnt || '—'}</dd>
          <dt>{t('next')}</dt><dd>{r.plan.review.next || '—'}</dd>
        </dl>
      ))}
    </div>
  );
}
