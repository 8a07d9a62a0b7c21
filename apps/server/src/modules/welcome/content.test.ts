import { describe, expect, it } from 'vitest';
import { AppError } from '../../platform/errors';
import {
  normalizeAttachment, renderText, toWecomAttachments, truncateBytes, utf8Bytes, validateContent, validateTemplate, type TemplateInput,
} from './content';

/** The field and message of the AppError `fn` throws. */
function rejection(fn: () => unknown): { field?: string; message: string } {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(AppError);
    const e = err as AppError;
    expect(e.code).toBe('validation_failed');
    return { field: e.extra.field, message: e.message };
  }
  throw new Error('expected a validation error');
}

const base: TemplateInput = { name: '默认欢迎语', scope: 'default', text: '你好' };
const withAttachment = (a: unknown): TemplateInput => ({ ...base, text: '', attachments: [a as never] });

describe('renderText', () => {
  it('fills every known placeholder, every time it appears', () => {
    expect(renderText('{nickname}您好！我是{staff}，{nickname}欢迎来到{store}（{channel}）', {
      nickname: '小鱼', staff: '王店长', store: '静安店', channel: '门店海报',
    })).toBe('小鱼您好！我是王店长，小鱼欢迎来到静安店（门店海报）');
  });

  it('leaves unknown placeholders as they are and empties known ones without a value', () => {
    expect(renderText('hi {nickname}{coupon}{ staff }{Staff}{store}', { nickname: null, store: undefined })).toBe('hi {coupon}{ staff }{Staff}');
  });
});

describe('byte limits', () => {
  it('counts UTF-8 bytes: a Chinese character is 3, an emoji 4', () => {
    expect(utf8Bytes('鱼')).toBe(3);
    expect(utf8Bytes('🐟')).toBe(4);
    expect(utf8Bytes('a鱼')).toBe(4);
  });

  it('truncates without splitting a character', () => {
    expect(truncateBytes('鱼塘鱼', 8)).toBe('鱼塘');
    expect(truncateBytes('a🐟b', 4)).toBe('a');
    expect(truncateBytes('short', 4000)).toBe('short');
  });

  it('accepts text of exactly 4000 bytes and rejects 4001, naming text and the byte count', () => {
    const exact = '鱼'.repeat(1333) + 'a'; // 3999 + 1
    expect(validateContent({ text: exact }).text).toBe(exact);
    const r = rejection(() => validateContent({ text: exact + 'b' }));
    expect(r.field).toBe('text');
    expect(r.message).toMatch(/at most 4000 bytes.*got 4001/);
  });
});

describe('validateTemplate', () => {
  it('trims the name and needs 1–60 characters', () => {
    expect(validateTemplate({ ...base, name: '  新客欢迎  ' }).name).toBe('新客欢迎');
    expect(rejection(() => validateTemplate({ ...base, name: '   ' }))).toMatchObject({ field: 'name', message: 'name: is required' });
    expect(validateTemplate({ ...base, name: '字'.repeat(60) }).name).toHaveLength(60);
    expect(rejection(() => validateTemplate({ ...base, name: '字'.repeat(61) })).message).toBe('name: must be at most 60 characters (got 61)');
  });

  it('needs text or at least one attachment', () => {
    expect(rejection(() => validateTemplate({ ...base, text: '  ' }))).toMatchObject({ field: 'text', message: 'text: is required when there are no attachments' });
    expect(validateTemplate(withAttachment({ msgtype: 'image', image: { pic_url: 'https://p.qpic.cn/a.png' } })).text).toBe('');
  });

  it('allows at most 9 attachments', () => {
    const img = { msgtype: 'image', image: { media_id: 'm' } } as const;
    expect(validateTemplate({ ...base, attachments: Array(9).fill(img) }).attachments).toHaveLength(9);
    expect(rejection(() => validateTemplate({ ...base, attachments: Array(10).fill(img) }))).toMatchObject({
      field: 'attachments', message: 'attachments: must have at most 9 entries (got 10)',
    });
  });

  it('checks the scope and who may carry userids', () => {
    expect(rejection(() => validateTemplate({ ...base, scope: 'store' as never })).field).toBe('scope');
    expect(rejection(() => validateTemplate({ ...base, scope: 'staff' })).message).toBe('userids: must list at least one staff member for scope staff');
    expect(rejection(() => validateTemplate({ ...base, userids: ['alice'] })).message).toBe("userids: is only for scope staff (this template's scope is default)");
    expect(validateTemplate({ ...base, scope: 'staff', userids: ['alice', ' alice', 'bob'] }).userids).toEqual(['alice', 'bob']);
    expect(validateTemplate({ ...base, scope: 'code' }).userids).toEqual([]);
  });
});

describe('attachments', () => {
  const field = (a: unknown) => rejection(() => validateTemplate(withAttachment(a))).field;

  it('needs a known msgtype whose payload sits under the same key', () => {
    expect(field({ msgtype: 'voice', voice: {} })).toBe('attachments.0.msgtype');
    expect(field({ msgtype: 'link' })).toBe('attachments.0.link');
    expect(field({ msgtype: 'link', image: { media_id: 'x' } })).toBe('attachments.0.image');
    expect(rejection(() => normalizeAttachment({ msgtype: 'image', image: { media_id: 'm' }, link: { title: 't', url: 'https://x' } }, 3)).message)
      .toBe('attachments.3.link: does not match msgtype image; put the payload under "image"');
  });

  it('image: media_id or pic_url', () => {
    expect(field({ msgtype: 'image', image: {} })).toBe('attachments.0.image');
    expect(field({ msgtype: 'image', image: { pic_url: 'ftp://x/a.png' } })).toBe('attachments.0.image.pic_url');
    expect(normalizeAttachment({ msgtype: 'image', image: { media_id: 'MEDIA' } }, 0)).toEqual({ msgtype: 'image', image: { media_id: 'MEDIA' } });
  });

  it('link: title ≤ 128 bytes, url http(s) required, desc ≤ 512 bytes', () => {
    const ok = { title: '新人礼', url: 'https://shop.example.com/new' };
    expect(field({ msgtype: 'link', link: { url: ok.url } })).toBe('attachments.0.link.title');
    expect(field({ msgtype: 'link', link: { title: '字'.repeat(43), url: ok.url } })).toBe('attachments.0.link.title'); // 129 bytes
    expect(normalizeAttachment({ msgtype: 'link', link: { title: 'a'.repeat(128), url: ok.url } }, 0).link!.title).toHaveLength(128);
    expect(field({ msgtype: 'link', link: { title: ok.title } })).toBe('attachments.0.link.url');
    expect(field({ msgtype: 'link', link: { ...ok, url: 'javascript:alert(1)' } })).toBe('attachments.0.link.url');
    expect(field({ msgtype: 'link', link: { ...ok, desc: '字'.repeat(171) } })).toBe('attachments.0.link.desc'); // 513 bytes
    expect(normalizeAttachment({ msgtype: 'link', link: { ...ok, desc: '', picurl: 'http://img/x.png' } }, 0))
      .toEqual({ msgtype: 'link', link: { ...ok, picurl: 'http://img/x.png' } });
  });

  it('miniprogram: title ≤ 64 bytes, pic_media_id, appid and page', () => {
    const mp = { title: '小程序商城', pic_media_id: 'PIC', appid: 'wx123', page: 'pages/index?from=welcome' };
    expect(normalizeAttachment({ msgtype: 'miniprogram', miniprogram: mp }, 0)).toEqual({ msgtype: 'miniprogram', miniprogram: mp });
    expect(field({ msgtype: 'miniprogram', miniprogram: { ...mp, title: '字'.repeat(22) } })).toBe('attachments.0.miniprogram.title'); // 66 bytes
    for (const k of ['pic_media_id', 'appid', 'page'] as const) {
      expect(field({ msgtype: 'miniprogram', miniprogram: { ...mp, [k]: '' } })).toBe(`attachments.0.miniprogram.${k}`);
    }
  });

  it('video and file: media_id', () => {
    expect(field({ msgtype: 'video', video: {} })).toBe('attachments.0.video.media_id');
    expect(field({ msgtype: 'file', file: { media_id: 42 } })).toBe('attachments.0.file.media_id');
    expect(normalizeAttachment({ msgtype: 'file', file: { media_id: 'F' } }, 0)).toEqual({ msgtype: 'file', file: { media_id: 'F' } });
  });

  it('a coupon is stored as a link, and its errors name the coupon fields', () => {
    const coupon = { title: '满100减20', url: 'https://shop.example.com/c/20', desc: '7天内有效' };
    expect(normalizeAttachment({ msgtype: 'coupon', coupon }, 0)).toEqual({ msgtype: 'link', link: coupon });
    expect(field({ msgtype: 'coupon', coupon: { title: coupon.title } })).toBe('attachments.0.coupon.url');
  });

  it('converts to the WeCom client shape', () => {
    const d = validateTemplate({ ...base, attachments: [{ msgtype: 'video', video: { media_id: 'V' } }] });
    expect(toWecomAttachments(d.attachments)).toEqual([{ msgtype: 'video', video: { media_id: 'V' } }]);
  });
});
