// The poster designer: a scaled canvas where elements are dragged into place (plain pointer events), the element
// list (add, order, remove), a property panel, the server-rendered preview, and the checker's report on the design
// as it stands — each problem's elements outlined on the canvas — then save and publish (errors refuse; warnings
// are acknowledged first).
import { ArrowDownOutlined, ArrowUpOutlined, DeleteOutlined, ReloadOutlined } from '@ant-design/icons';
import { Alert, App as AntApp, Button, Card, Col, ColorPicker, Empty, Flex, Input, InputNumber, List, Row, Select, Space, Spin, Switch, Tag, Typography } from 'antd';
import { useCallback, useEffect, useMemo, useRef, useState, type CSSProperties, type PointerEvent as ReactPointerEvent, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate, useParams } from 'react-router-dom';
import { POSTER_CANVASES, POSTER_CANVAS_KINDS, POSTER_PURPOSES, type PosterCanvas } from '@pond/contracts/posters';
import { ApiError } from '../../api/client';
import { PageHeader } from '../../components/page-header';
import { QueryError } from '../../components/query-error';
import { useDebouncedValue } from '../../lib/use-debounced-value';
import { useCanWrite } from '../auth/hooks';
import {
  fetchPreview, useCreateTemplate, usePosterCheck, usePosterTemplate, usePublishTemplate, useUpdateTemplate, type PosterCheck, type PosterDesignInput,
  type PosterElementInput, type PosterPurpose, type PosterTemplate,
} from './hooks';

type El = PosterElementInput;
type ElType = El['type'];
interface Design { canvas: PosterCanvas; background: { color: string; mediaId?: number | null }; elements: El[] }

/** What a new template starts from, per canvas: the QR in its clear zone and the usual copy. */
function starter(canvas: PosterCanvas): Design {
  if (canvas === 'badge') {
    return {
      canvas, background: { color: '#FFFFFF' }, elements: [
        { type: 'shape', id: 'band', x: 0, y: 0, width: 638, height: 250, color: '#0E4D64' },
        { type: 'text', id: 'corp', x: 40, y: 56, width: 558, text: '{corp}', fontSize: 40, color: '#FFFFFF', weight: 'bold', align: 'center', maxLines: 1 },
        { type: 'avatar', id: 'avatar', x: 239, y: 150, size: 160, round: true },
        { type: 'text', id: 'name', x: 40, y: 336, width: 558, text: '{staff_name}', fontSize: 56, color: '#1F1F1F', weight: 'bold', align: 'center', maxLines: 1 },
        { type: 'text', id: 'store', x: 40, y: 420, width: 558, text: '{store}', fontSize: 32, color: '#595959', align: 'center', maxLines: 1 },
        { type: 'qr', id: 'qr', x: 149, y: 500, size: 340, quietZone: 4 },
        { type: 'text', id: 'hint', x: 40, y: 870, width: 558, text: '扫码加我企业微信 Scan to add me', fontSize: 28, color: '#595959', align: 'center', maxLines: 2 },
      ],
    };
  }
  if (canvas === 'a4') {
    return {
      canvas, background: { color: '#FFFFFF' }, elements: [
        { type: 'text', id: 'title', x: 160, y: 240, width: 2160, text: '{corp}', fontSize: 140, color: '#1F1F1F', weight: 'bold', align: 'center', maxLines: 1 },
        { type: 'qr', id: 'qr', x: 640, y: 900, size: 1200, quietZone: 4 },
        { type: 'text', id: 'hint', x: 160, y: 2400, width: 2160, text: '扫码添加企业微信 Scan to add us', fontSize: 90, color: '#595959', align: 'center', maxLines: 2 },
      ],
    };
  }
  return {
    canvas, background: { color: '#0E4D64' }, elements: [
      { type: 'text', id: 'title', x: 88, y: 160, width: 904, text: '扫码领取新人礼', fontSize: 88, color: '#FFFFFF', weight: 'bold', align: 'center', maxLines: 2 },
      { type: 'nickname', id: 'nickname', x: 88, y: 340, width: 904, fontSize: 44, color: '#FFFFFF', align: 'center', maxLines: 1 },
      { type: 'avatar', id: 'avatar', x: 470, y: 440, size: 140, round: true },
      { type: 'qr', id: 'qr', x: 240, y: 700, size: 600, quietZone: 4 },
      { type: 'text', id: 'hint', x: 88, y: 1500, width: 904, text: '长按识别二维码 Long-press to scan', fontSize: 40, color: '#FFFFFF', align: 'center', maxLines: 1 },
    ],
  };
}

const DISPLAY_HEIGHT = 560;
const widthOf = (e: El) => (e.type === 'avatar' || e.type === 'qr' ? e.size : e.width);
const heightOf = (e: El) => (e.type === 'avatar' || e.type === 'qr' ? e.size : e.type === 'shape' ? e.height : Math.ceil(e.fontSize * 1.3 * (e.maxLines ?? (e.type === 'nickname' ? 1 : 2))));
const clamp = (v: number, lo: number, hi: number) => Math.max(lo, Math.min(hi, Math.round(v)));
const SAMPLE: Record<string, string> = { nickname: '微信昵称', staff_name: '小鱼', store: '人民广场店', corp: '鱼塘' };

function newElement(type: ElType, canvas: PosterCanvas, taken: Set<string>): El {
  let n = 1;
  while (taken.has(`${type}${n}`)) n++;
  const id = `${type}${n}`;
  const { width } = POSTER_CANVASES[canvas];
  const unit = width / 1080;
  switch (type) {
    case 'text': return { type, id, x: Math.round(88 * unit), y: Math.round(100 * unit), width: Math.round(904 * unit), text: '新的文字', fontSize: Math.round(48 * unit), color: '#FFFFFF', maxLines: 2 };
    case 'nickname': return { type, id, x: Math.round(88 * unit), y: Math.round(100 * unit), width: Math.round(904 * unit), fontSize: Math.round(44 * unit), color: '#FFFFFF', maxLines: 1 };
    case 'avatar': return { type, id, x: Math.round(40 * unit), y: Math.round(40 * unit), size: Math.max(24, Math.round(140 * unit)), round: true };
    case 'shape': return { type, id, x: 0, y: 0, width: Math.round(400 * unit), height: Math.round(200 * unit), color: '#F6C445', radius: 0 };
    case 'qr': return { type, id, x: Math.round(240 * unit), y: Math.round(700 * unit), size: Math.max(120, Math.round(600 * unit)), quietZone: 4 };
  }
}

export default function PosterDesignerPage() {
  const params = useParams();
  const id = params.id ? Number(params.id) : null;
  const existing = usePosterTemplate(id);
  if (id !== null && existing.error) return <QueryError query={existing} />;
  if (id !== null && !existing.data) return <Spin />;
  return <Designer key={id ?? 'new'} id={id} initial={existing.data ?? null} />;
}

function Designer({ id, initial }: { id: number | null; initial: PosterTemplate | null }) {
  const { t } = useTranslation(['posters', 'common']);
  const { message, modal } = AntApp.useApp();
  const navigate = useNavigate();
  const canWrite = useCanWrite();
  const create = useCreateTemplate();
  const update = useUpdateTemplate();
  const publish = usePublishTemplate();

  const [name, setName] = useState(initial?.name ?? '');
  const [purpose, setPurpose] = useState<PosterPurpose>(initial?.purpose ?? 'invite');
  const [design, setDesign] = useState<Design>(() => (initial
    ? { canvas: initial.design.canvas ?? 'poster', background: initial.design.background, elements: initial.design.elements }
    : starter('poster')));
  const [selected, setSelected] = useState<string | null>(null);
  const live = usePosterTemplate(id);
  const existing = { data: live.data ?? initial };

  const canvas = POSTER_CANVASES[design.canvas];
  const scale = DISPLAY_HEIGHT / canvas.height;
  const checkedDesign = useDebouncedValue(design, 500);
  const check = usePosterCheck(checkedDesign);
  const report: PosterCheck | undefined = check.data;
  const flagged = useMemo(() => {
    const m = new Map<string, 'error' | 'warn'>();
    for (const i of report?.issues ?? []) for (const e of i.elementIds ?? []) if (m.get(e) !== 'error') m.set(e, i.severity);
    return m;
  }, [report]);

  const setElement = useCallback((elId: string, patch: Partial<El>) => {
    setDesign((d) => ({ ...d, elements: d.elements.map((e) => (e.id === elId ? ({ ...e, ...patch } as El) : e)) }));
  }, []);

  // Dragging: the pointer's travel in screen pixels, divided by the scale, moves the element (kept inside the canvas).
  const drag = useRef<{ id: string; startX: number; startY: number; x: number; y: number } | null>(null);
  const onPointerDown = (e: ReactPointerEvent<HTMLDivElement>, el: El) => {
    e.preventDefault();
    e.stopPropagation();
    setSelected(el.id);
    drag.current = { id: el.id, startX: e.clientX, startY: e.clientY, x: el.x, y: el.y };
    const move = (ev: PointerEvent) => {
      const d = drag.current;
      if (!d) return;
      const cur = design.elements.find((x) => x.id === d.id) ?? el;
      setElement(d.id, {
        x: clamp(d.x + (ev.clientX - d.startX) / scale, 0, canvas.width - widthOf(cur)),
        y: clamp(d.y + (ev.clientY - d.startY) / scale, 0, canvas.height - Math.min(heightOf(cur), canvas.height)),
      });
    };
    const up = () => {
      drag.current = null;
      window.removeEventListener('pointermove', move);
      window.removeEventListener('pointerup', up);
    };
    window.addEventListener('pointermove', move);
    window.addEventListener('pointerup', up);
  };

  const [preview, setPreview] = useState<{ url: string | null; loading: boolean; error: string | null }>({ url: null, loading: false, error: null });
  const refreshPreview = useCallback(() => {
    setPreview((p) => ({ ...p, loading: true, error: null }));
    fetchPreview(design as PosterDesignInput).then(
      (url) => setPreview((p) => { if (p.url) URL.revokeObjectURL(p.url); return { url, loading: false, error: null }; }),
      (err: unknown) => setPreview((p) => ({ ...p, loading: false, error: err instanceof Error ? err.message : String(err) })),
    );
  }, [design]);
  useEffect(() => () => { if (preview.url) URL.revokeObjectURL(preview.url); }, [preview.url]);

  const save = async (): Promise<number | null> => {
    const body = { name: name.trim() || t('designer.newTitle'), purpose, design: design as PosterDesignInput };
    try {
      if (id) {
        await update.mutateAsync({ id, body });
        void message.success(t('designer.saved'));
        return id;
      }
      const made = await create.mutateAsync(body);
      void message.success(t('designer.saved'));
      void navigate(`/posters/${made.id}`, { replace: true });
      return made.id;
    } catch (err) {
      void message.error(err instanceof Error ? err.message : String(err));
      return null;
    }
  };

  const doPublish = async () => {
    const saved = await save();
    if (!saved) return;
    try {
      await publish.mutateAsync({ id: saved, acknowledgeWarnings: false });
      void message.success(t('designer.published'));
    } catch (err) {
      const issues = err instanceof ApiError ? (err.details as { issues?: PosterCheck['issues'] } | undefined)?.issues ?? [] : [];
      if (issues.length && issues.every((i) => i.severity === 'warn')) {
        modal.confirm({
          title: t('designer.ackTitle'),
          content: <ul>{issues.map((i) => <li key={i.message}>{i.message}</li>)}</ul>,
          okText: t('designer.ackOk'),
          onOk: async () => {
            await publish.mutateAsync({ id: saved, acknowledgeWarnings: true });
            void message.success(t('designer.published'));
          },
        });
      } else {
        void message.error(issues.length ? t('designer.publishBlocked') : err instanceof Error ? err.message : String(err));
      }
    }
  };

  const sel = design.elements.find((e) => e.id === selected) ?? null;
  const taken = new Set(design.elements.map((e) => e.id));
  const move = (elId: string, by: number) => setDesign((d) => {
    const i = d.elements.findIndex((e) => e.id === elId);
    const j = i + by;
    if (i < 0 || j < 0 || j >= d.elements.length) return d;
    const els = [...d.elements];
    [els[i], els[j]] = [els[j], els[i]];
    return { ...d, elements: els };
  });
  const fill = (text: string) => text.replace(/\{([a-z_]+)\}/g, (_, k: string) => SAMPLE[k] ?? '');
  const checkError = check.error instanceof Error ? check.error.message : null;

  return (
    <>
      <PageHeader
        title={id ? name || '…' : t('designer.newTitle')}
        back={<Link to="/posters">←</Link>}
        extra={canWrite ? (
          <Space>
            {existing.data ? <Tag color={existing.data.status === 'published' ? 'success' : 'default'}>{t(`statuses.${existing.data.status}`)}</Tag> : null}
            <Button onClick={() => void save()} loading={create.isPending || update.isPending} data-testid="poster-save">{t('designer.save')}</Button>
            <Button type="primary" onClick={() => void doPublish()} loading={publish.isPending} data-testid="poster-publish">{t('designer.publish')}</Button>
          </Space>
        ) : null}
      />
      <Row gutter={16}>
        <Col flex="260px">
          <Card size="small" title={t('designer.name')} style={{ marginBottom: 12 }}>
            <Space direction="vertical" style={{ width: '100%' }}>
              <Input value={name} maxLength={60} onChange={(e) => setName(e.target.value)} placeholder={t('designer.newTitle')} data-testid="poster-name" />
              <Select<PosterPurpose> value={purpose} onChange={setPurpose} style={{ width: '100%' }} options={POSTER_PURPOSES.map((p) => ({ value: p, label: t(`purposes.${p}`) }))} />
              <Select<PosterCanvas>
                value={design.canvas}
                style={{ width: '100%' }}
                disabled={!!id}
                onChange={(c) => { setDesign(starter(c)); setSelected(null); }}
                options={POSTER_CANVAS_KINDS.map((c) => ({ value: c, label: t(`canvases.${c}`) }))}
                data-testid="poster-canvas"
              />
              <Flex align="center" gap={8}>
                <Typography.Text>{t('designer.background')}</Typography.Text>
                <ColorPicker
                  value={design.background.color}
                  disabledAlpha
                  onChange={(c) => setDesign((d) => ({ ...d, background: { ...d.background, color: c.toHexString().toUpperCase() } }))}
                />
              </Flex>
            </Space>
          </Card>
          <Card size="small" title={t('designer.elements')}>
            <Flex wrap gap={4} style={{ marginBottom: 8 }}>
              {(['text', 'nickname', 'avatar', 'shape'] as const).map((type) => (
                <Button key={type} size="small" onClick={() => { const e = newElement(type, design.canvas, taken); setDesign((d) => ({ ...d, elements: [...d.elements, e] })); setSelected(e.id); }} data-testid={`add-${type}`}>
                  + {t(`designer.types.${type}`)}
                </Button>
              ))}
            </Flex>
            <List
              size="small"
              dataSource={[...design.elements].reverse()}
              renderItem={(e) => (
                <List.Item
                  onClick={() => setSelected(e.id)}
                  style={{ cursor: 'pointer', background: e.id === selected ? '#e6f4ff' : undefined, paddingInline: 6 }}
                  data-testid={`el-item-${e.id}`}
                  actions={[
                    <ArrowUpOutlined key="up" title={t('designer.up')} onClick={(ev) => { ev.stopPropagation(); move(e.id, 1); }} />,
                    <ArrowDownOutlined key="down" title={t('designer.down')} onClick={(ev) => { ev.stopPropagation(); move(e.id, -1); }} />,
                  ]}
                >
                  <Space size={4}>
                    {flagged.has(e.id) ? <Tag color={flagged.get(e.id) === 'error' ? 'red' : 'gold'} style={{ marginInlineEnd: 0 }}>!</Tag> : null}
                    <Typography.Text ellipsis style={{ maxWidth: 130 }}>{t(`designer.types.${e.type}`)} · {e.type === 'text' ? fill(e.text) : e.id}</Typography.Text>
                  </Space>
                </List.Item>
              )}
            />
          </Card>
        </Col>
        <Col flex="none">
          <div
            data-testid="poster-canvas-area"
            onPointerDown={() => setSelected(null)}
            style={{
              position: 'relative', width: Math.round(canvas.width * scale), height: DISPLAY_HEIGHT, background: design.background.color, overflow: 'hidden',
              boxShadow: '0 1px 6px rgba(0,0,0,.2)', touchAction: 'none', userSelect: 'none',
            }}
          >
            {design.elements.map((e) => {
              const flag = flagged.get(e.id);
              const outline = flag === 'error' ? '2px solid #ff4d4f' : flag === 'warn' ? '2px dashed #faad14' : e.id === selected ? '2px solid #1677ff' : '1px dashed rgba(128,128,128,.35)';
              const box = { position: 'absolute' as const, left: e.x * scale, top: e.y * scale, width: widthOf(e) * scale, outline, cursor: 'move' };
              let inner: ReactNode = null;
              let style: CSSProperties = { ...box };
              if (e.type === 'text' || e.type === 'nickname') {
                style = {
                  ...box, color: e.color, fontSize: e.fontSize * scale, lineHeight: 1.3, fontWeight: e.weight === 'bold' ? 700 : 400, textAlign: e.align ?? 'left',
                  overflow: 'hidden', display: '-webkit-box', WebkitLineClamp: e.maxLines ?? 2, WebkitBoxOrient: 'vertical', wordBreak: 'break-all',
                };
                inner = e.type === 'text' ? fill(e.text) : SAMPLE.nickname;
              } else if (e.type === 'avatar') {
                style = { ...box, height: e.size * scale, borderRadius: e.round === false ? 0 : '50%', background: '#D9D9D9' };
              } else if (e.type === 'shape') {
                style = { ...box, height: e.height * scale, background: e.color, borderRadius: (e.radius ?? 0) * scale };
              } else {
                const pad = (e.size * scale * (e.quietZone ?? 4)) / (25 + 2 * (e.quietZone ?? 4));
                style = { ...box, height: e.size * scale, background: '#FFFFFF', padding: pad, boxSizing: 'border-box' };
                inner = <div style={{ width: '100%', height: '100%', background: 'repeating-conic-gradient(#000 0 25%, #fff 0 50%) 0 0 / 12.5% 12.5%' }} />;
              }
              return (
                <div key={e.id} data-testid={`el-${e.id}`} data-flag={flag ?? ''} style={style} onPointerDown={(ev) => onPointerDown(ev, e)}>
                  {inner}
                </div>
              );
            })}
          </div>
          <Typography.Text type="secondary" style={{ display: 'block', marginTop: 6, fontSize: 12 }}>
            {t('designer.selectHint')} · {canvas.width}×{canvas.height}
          </Typography.Text>
        </Col>
        <Col flex="auto" style={{ minWidth: 300 }}>
          <Card size="small" title={t('designer.props')} style={{ marginBottom: 12 }}>
            {sel ? <Props el={sel} canvas={design.canvas} onChange={(p) => setElement(sel.id, p)} onRemove={() => { setDesign((d) => ({ ...d, elements: d.elements.filter((e) => e.id !== sel.id) })); setSelected(null); }} /> : <Empty description={t('designer.selectHint')} />}
          </Card>
          <Card size="small" title={t('designer.check')} style={{ marginBottom: 12 }} extra={check.isFetching ? <Spin size="small" /> : null}>
            <div data-testid="poster-issues">
              {checkError ? <Alert type="error" showIcon title={t('designer.invalid', { message: checkError })} /> : null}
              {!checkError && report && report.issues.length === 0 ? <Alert type="success" showIcon title={t('designer.noIssues')} data-testid="poster-clean" /> : null}
              {!checkError && !report ? <Typography.Text type="secondary">{t('designer.checking')}</Typography.Text> : null}
              <Space direction="vertical" style={{ width: '100%' }}>
                {(checkError ? [] : report?.issues ?? []).map((i) => (
                  <Alert
                    key={`${i.rule}-${i.message}`}
                    type={i.severity === 'error' ? 'error' : 'warning'}
                    showIcon
                    title={i.message}
                    data-testid="poster-issue"
                    data-rule={i.rule}
                    onClick={() => i.elementIds?.[0] && setSelected(i.elementIds[i.elementIds.length - 1])}
                    style={{ cursor: i.elementIds?.length ? 'pointer' : undefined }}
                  />
                ))}
              </Space>
              {report && !checkError ? (
                <Typography.Text type="secondary" style={{ display: 'block', marginTop: 8, fontSize: 12 }}>
                  {t('designer.measured', { kb: Math.round(report.measured.bytes / 1024), mm: report.measured.qrMm ?? '–', contrast: report.measured.minContrast ?? '–' })}
                </Typography.Text>
              ) : null}
            </div>
          </Card>
          <Card size="small" title={t('designer.preview')} extra={<Button size="small" icon={<ReloadOutlined />} onClick={refreshPreview} loading={preview.loading} data-testid="poster-refresh">{t('designer.refresh')}</Button>}>
            {preview.error ? <Alert type="error" showIcon title={preview.error} /> : null}
            {preview.url ? <img src={preview.url} alt={t('designer.preview')} style={{ maxWidth: '100%', maxHeight: 420, display: 'block', margin: '0 auto' }} data-testid="poster-preview" /> : null}
          </Card>
        </Col>
      </Row>
    </>
  );
}

function Props({ el, canvas, onChange, onRemove }: { el: El; canvas: PosterCanvas; onChange: (p: Partial<El>) => void; onRemove: () => void }) {
  const { t } = useTranslation(['posters', 'common']);
  const { width, height } = POSTER_CANVASES[canvas];
  const num = (label: string, key: string, value: number | undefined, min: number, max: number) => (
    <Flex align="center" gap={8} key={key}>
      <Typography.Text style={{ width: 90 }}>{label}</Typography.Text>
      <InputNumber size="small" min={min} max={max} value={value} onChange={(v) => v !== null && onChange({ [key]: v })} data-testid={`prop-${key}`} />
    </Flex>
  );
  const colour = (value: string) => (
    <Flex align="center" gap={8}>
      <Typography.Text style={{ width: 90 }}>{t('designer.color')}</Typography.Text>
      <ColorPicker size="small" value={value} disabledAlpha onChange={(c) => onChange({ color: c.toHexString().toUpperCase() })} />
    </Flex>
  );
  return (
    <Space direction="vertical" style={{ width: '100%' }}>
      <Typography.Text strong>{t(`designer.types.${el.type}`)} · {el.id}</Typography.Text>
      {el.type === 'text' ? (
        <>
          <Typography.Text>{t('designer.text')}</Typography.Text>
          <Input.TextArea rows={2} maxLength={200} value={el.text} onChange={(e) => onChange({ text: e.target.value })} data-testid="prop-text" />
        </>
      ) : null}
      {num(t('designer.x'), 'x', el.x, 0, width - 1)}
      {num(t('designer.y'), 'y', el.y, 0, height - 1)}
      {el.type === 'avatar' || el.type === 'qr'
        ? num(t('designer.size'), 'size', el.size, el.type === 'qr' ? 120 : 24, Math.min(width, height))
        : num(t('designer.width'), 'width', el.width, 10, width)}
      {el.type === 'shape' ? num(t('designer.height'), 'height', el.height, 1, height) : null}
      {el.type === 'shape' ? num(t('designer.radius'), 'radius', el.radius ?? 0, 0, 2000) : null}
      {el.type === 'shape' ? colour(el.color) : null}
      {el.type === 'text' || el.type === 'nickname' ? (
        <>
          {num(t('designer.fontSize'), 'fontSize', el.fontSize, 12, 400)}
          {num(t('designer.maxLines'), 'maxLines', el.maxLines ?? 2, 1, el.type === 'nickname' ? 2 : 10)}
          {colour(el.color)}
          <Flex align="center" gap={8}>
            <Typography.Text style={{ width: 90 }}>{t('designer.weight')}</Typography.Text>
            <Select size="small" value={el.weight ?? 'normal'} onChange={(v) => onChange({ weight: v })} options={(['normal', 'bold'] as const).map((w) => ({ value: w, label: t(`designer.weights.${w}`) }))} />
            <Select size="small" value={el.align ?? 'left'} onChange={(v) => onChange({ align: v })} options={(['left', 'center', 'right'] as const).map((a) => ({ value: a, label: t(`designer.aligns.${a}`) }))} />
          </Flex>
        </>
      ) : null}
      {el.type === 'avatar' ? (
        <Flex align="center" gap={8}><Typography.Text style={{ width: 90 }}>{t('designer.round')}</Typography.Text><Switch size="small" checked={el.round ?? true} onChange={(round) => onChange({ round })} /></Flex>
      ) : null}
      {el.type === 'qr' ? num(t('designer.quietZone'), 'quietZone', el.quietZone ?? 4, 0, 10) : null}
      {el.type !== 'qr' ? <Button danger size="small" icon={<DeleteOutlined />} onClick={onRemove}>{t('designer.remove')}</Button> : null}
    </Space>
  );
}
