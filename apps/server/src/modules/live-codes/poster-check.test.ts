import { describe, expect, it } from 'vitest';
import { checkPoster, contrastRatio, POSTER_RULES, visibleLength, type PosterIssue } from './poster-check';
import type { PosterSpec } from './render';

const good = (extra: Partial<PosterSpec> = {}): PosterSpec => ({
  qrText: 'https://pond.example.com/l/k7f2q',
  title: '春季新品 到店有礼',
  subtitle: '扫码添加门店顾问，领取新人券',
  body: '每周三会员日，群内专享折扣与新品试吃。',
  staffName: '小王',
  ...extra,
});
const rules = (issues: PosterIssue[]) => issues.map((i) => `${i.rule}:${i.severity}`);

describe('checkPoster', () => {
  it('passes a good poster, with default and with explicit colours', () => {
    expect(checkPoster(good())).toEqual([]);
    expect(checkPoster(good({ background: '#fff7e6', textColor: '#222', accent: '#E4572E', brand: '鱼塘咖啡' }))).toEqual([]);
  });

  it('flags an empty title', () => {
    expect(rules(checkPoster(good({ title: '   ' })))).toEqual(['empty-title:error']);
  });

  it('flags a long title with its length, zh-CN first', () => {
    const [issue] = checkPoster(good({ title: '这是一个非常长的标题需要被缩短才能在海报上看清楚好吗' }));
    expect(issue).toEqual({
      rule: 'title-too-long', severity: 'warn',
      message: '标题过长（26字，建议≤16）/ Title too long (26 chars, keep ≤ 16)',
    });
  });

  it('counts half-width letters as half a character', () => {
    expect(visibleLength('Free coffee for new members')).toBe(12);
    expect(visibleLength('新品 2 杯')).toBe(4);
    expect(checkPoster(good({ title: 'Free coffee for new members' }))).toEqual([]);
  });

  it('flags too much text overall', () => {
    expect(rules(checkPoster(good({ body: '每周三会员日，群内专享折扣与新品试吃。'.repeat(4) })))).toEqual(['too-much-text:warn']);
  });

  it('flags low contrast as an error below 4.5:1 and a warning below 7:1', () => {
    expect(rules(checkPoster(good({ background: '#FFFFFF', textColor: '#BBBBBB' })))).toEqual(['low-contrast:error']);
    const [warn] = checkPoster(good({ background: '#FFFFFF', textColor: '#666666' }));
    expect(warn.rule).toBe('low-contrast');
    expect(warn.severity).toBe('warn');
    expect(warn.message).toMatch(/^标题与背景对比度偏低（5\.7:1/);
    expect(contrastRatio('#000000', '#FFFFFF')).toBeCloseTo(21, 5);
    expect(contrastRatio('#777777', '#FFFFFF')).toBeCloseTo(4.48, 2);
  });

  it('flags each banned advertising word once, naming where it was found', () => {
    const issues = checkPoster(good({ title: '全城最低价', subtitle: '行业第一，100%好评', body: '最好的咖啡，顶级豆子，永久保修' }));
    expect(issues.every((i) => i.rule === 'exaggerated-claim' && i.severity === 'error')).toBe(true);
    expect(issues.map((i) => /“(.+?)”/.exec(i.message)?.[1])).toEqual(['最', '第一', '100%', '顶级', '永久']);
    expect(issues[0].message).toBe('含广告法禁用的绝对化用语“最”（标题、正文）/ Absolute claim banned by the advertising law: "最" (title, body)');
  });

  it('does not mistake ordinary words for claims', () => {
    expect(checkPoster(good({ title: '最近上新', body: '第一次到店送饮品，最后三天' }))).toEqual([]);
  });

  it('flags missing and overlong QR content', () => {
    expect(rules(checkPoster(good({ qrText: '' })))).toEqual(['qr-missing:error']);
    expect(rules(checkPoster(good({ qrText: `https://pond.example.com/l/${'x'.repeat(300)}` })))).toEqual(['qr-too-dense:warn']);
  });

  it('flags an accent that matches the background', () => {
    expect(rules(checkPoster(good({ background: '#0E4D64', accent: '#0e4d64' })))).toEqual(['accent-same-as-background:warn']);
    expect(rules(checkPoster(good({ background: '#FFFFFF', accent: '#FAFAFA', textColor: '#111' })))).toEqual(['accent-same-as-background:warn']);
  });

  it('flags a colour that is not hex and judges contrast on the default the renderer falls back to', () => {
    const issues = checkPoster(good({ textColor: 'white-ish' }));
    expect(rules(issues)).toEqual(['invalid-color:error']);
    expect(issues[0].message).toContain('textColor');
  });

  it('lists errors before warnings', () => {
    const issues = checkPoster(good({ title: '史上最强的超长标题一定要写满十七个字才行', background: '#FFFFFF', textColor: '#EEEEEE' }));
    expect(rules(issues)).toEqual(['low-contrast:error', 'exaggerated-claim:error', 'exaggerated-claim:error', 'title-too-long:warn']);
  });

  it('exports every rule it can report', () => {
    const seen = new Set([
      good({ title: '' }), good({ title: '一二三四五六七八九十一二三四五六七' }), good({ body: '字'.repeat(81) }),
      good({ textColor: '#0E4D64' }), good({ title: '唯一' }), good({ qrText: '' }), good({ qrText: 'x'.repeat(301) }),
      good({ accent: '#0E4D64' }), good({ background: 'blue' }),
    ].flatMap((s) => checkPoster(s).map((i) => i.rule)));
    expect([...seen].sort()).toEqual([...POSTER_RULES].sort());
  });
});
