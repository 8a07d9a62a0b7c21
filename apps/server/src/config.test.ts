import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './config';

describe('loadConfig', () => {
  it('gives demo mode with defaults when nothing is set', () => {
    const c = loadConfig({});
    expect(c.demo).toBe(true);
    expect(c.wecom).toBeUndefined();
    expect(c.port).toBe(3000);
    expect(c.publicUrl).toBe('http://localhost:3000');
  });

  it('reads a full WeCom configuration', () => {
    const c = loadConfig({
      WECOM_CORP_ID: 'ww1234567890', WECOM_AGENT_ID: '1000002', WECOM_SECRET: 'secret-secret', WECOM_CALLBACK_TOKEN: 'tok123',
      WECOM_CALLBACK_AES_KEY: 'a'.repeat(43), PUBLIC_URL: 'https://pond.example.com/', PORT: '8080',
    });
    expect(c.demo).toBe(false);
    expect(c.wecom).toMatchObject({ corpId: 'ww1234567890', apiBase: 'https://qyapi.weixin.qq.com' });
    expect(c.publicUrl).toBe('https://pond.example.com');
    expect(c.port).toBe(8080);
  });

  it('names every wrong variable', () => {
    try {
      loadConfig({ PORT: 'abc', DATABASE_URL: 'mysql://x', WECOM_CALLBACK_AES_KEY: 'short', PUBLIC_URL: 'nope' });
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(ConfigError);
      const msg = (err as Error).message;
      expect(msg).toMatch(/PORT: must be a port number/);
      expect(msg).toMatch(/DATABASE_URL: must be a postgres/);
      expect(msg).toMatch(/WECOM_CALLBACK_AES_KEY: must be the 43-character EncodingAESKey/);
      expect(msg).toMatch(/PUBLIC_URL: must be an absolute URL/);
    }
  });

  it('requires all WeCom variables together', () => {
    expect(() => loadConfig({ WECOM_CORP_ID: 'ww1234567890' })).toThrow(/WECOM_SECRET: is required when WECOM_CORP_ID is set/);
  });
});
