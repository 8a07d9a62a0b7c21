import { describe, expect, it } from 'vitest';
import {
  buildEventXml,
  CallbackError,
  eventKey,
  isValidEncodingAesKey,
  openEvent,
  parseEventXml,
  readEnvelope,
  sealEcho,
  sealEvent,
  signature,
  verifyUrl,
  type CallbackCredentials,
} from './codec';

// WeCom's published URL-verification sample (加解密方案说明, also used by several SDKs' tests).
const OFFICIAL = {
  creds: { token: 'QDG6eK', encodingAesKey: 'jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C', receiveId: 'wx5823bf96d3bd56c7' },
  query: {
    msg_signature: '5c45ff5e21c57e6ad56bac8758b79b1d9ac89fd3',
    timestamp: '1409659589',
    nonce: '263014780',
    echostr: 'P9nAzCzyDtyTWESHep1vC5X9xho/qYX3Zpb4yKa9SKld1DsH3Iyt3tP3zNdtp+4RPcs8TgAE7OaBO+FZXvnaqQ==',
  },
  plaintext: '1616140317555161061',
};

let seq = 0;
function makeCreds(): CallbackCredentials {
  seq += 1;
  const key = Buffer.alloc(32, seq).toString('base64').slice(0, 43).replace(/[^A-Za-z0-9]/g, 'a');
  return { token: `tok${seq}`, encodingAesKey: key, receiveId: `ww${String(seq).padStart(16, '0')}` };
}

function kindOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (err) {
    if (err instanceof CallbackError) return err.kind;
    throw err;
  }
  return undefined;
}

describe('verifyUrl', () => {
  it('decrypts the official WeCom test vector to 1616140317555161061', () => {
    expect(signature(OFFICIAL.creds.token, OFFICIAL.query.timestamp, OFFICIAL.query.nonce, OFFICIAL.query.echostr)).toBe(
      OFFICIAL.query.msg_signature,
    );
    expect(verifyUrl(OFFICIAL.creds, OFFICIAL.query)).toBe(OFFICIAL.plaintext);
  });

  it('rejects a tampered signature', () => {
    const q = { ...OFFICIAL.query, msg_signature: OFFICIAL.query.msg_signature.replace(/^5/, '6') };
    expect(kindOf(() => verifyUrl(OFFICIAL.creds, q))).toBe('signature');
    expect(kindOf(() => verifyUrl(OFFICIAL.creds, { ...OFFICIAL.query, nonce: '1' }))).toBe('signature');
  });

  it('rejects a plaintext addressed to another corp', () => {
    expect(kindOf(() => verifyUrl({ ...OFFICIAL.creds, receiveId: 'wwsomeoneelse' }, OFFICIAL.query))).toBe('receive_id');
  });

  it('rejects missing parameters as malformed', () => {
    const { echostr: _drop, ...noEcho } = OFFICIAL.query;
    expect(kindOf(() => verifyUrl(OFFICIAL.creds, noEcho))).toBe('malformed');
  });

  it('rejects a correctly signed but undecryptable echostr as malformed', () => {
    const creds = makeCreds();
    const echostr = Buffer.from('not a real ciphertext, just 32 b').toString('base64');
    const q = { timestamp: '1', nonce: 'n', echostr, msg_signature: signature(creds.token, '1', 'n', echostr) };
    expect(kindOf(() => verifyUrl(creds, q))).toBe('malformed');
  });

  it('round-trips sealEcho', () => {
    const creds = makeCreds();
    expect(verifyUrl(creds, sealEcho(creds, 'echo-123'))).toBe('echo-123');
  });
});

describe('openEvent', () => {
  it('round-trips plaintexts of every length around the 32-byte padding boundary', () => {
    const creds = makeCreds();
    for (let n = 0; n <= 70; n++) {
      const xml = `<xml><Content><![CDATA[${'好'.repeat(n % 5)}${'x'.repeat(n)}]]></Content></xml>`;
      const { query, body } = sealEvent(creds, xml, { timestamp: '1700000000', nonce: `n${n}` });
      expect(openEvent(creds, query, body)).toBe(xml);
    }
  });

  it('rejects a body signed with another token', () => {
    const creds = makeCreds();
    const { query, body } = sealEvent({ ...creds, token: 'other' }, '<xml/>');
    expect(kindOf(() => openEvent(creds, query, body))).toBe('signature');
  });

  it('reports a wrong EncodingAESKey as undecryptable, not as a receive-id mismatch', () => {
    const creds = makeCreds();
    const other = makeCreds();
    const { query, body } = sealEvent({ ...creds, encodingAesKey: other.encodingAesKey }, '<xml><A>1</A></xml>');
    expect(() => openEvent(creds, query, body)).toThrow(/EncodingAESKey/);
    expect(kindOf(() => openEvent(creds, query, body))).toBe('malformed');
  });

  it('rejects an event sealed for another receive id', () => {
    const creds = makeCreds();
    const { query, body } = sealEvent({ ...creds, receiveId: 'wwother' }, '<xml/>');
    expect(kindOf(() => openEvent(creds, query, body))).toBe('receive_id');
  });

  it('rejects bodies without <Encrypt> and missing query parameters', () => {
    const creds = makeCreds();
    expect(kindOf(() => readEnvelope('<xml><ToUserName>x</ToUserName></xml>'))).toBe('malformed');
    expect(kindOf(() => readEnvelope('plain text'))).toBe('malformed');
    expect(kindOf(() => openEvent(creds, { timestamp: '1', nonce: 'n' }, '<xml><Encrypt>a</Encrypt></xml>'))).toBe('malformed');
  });

  it('parses a change_external_chat event including MemChangeList items', () => {
    const creds = makeCreds();
    const xml = buildEventXml({
      ToUserName: creds.receiveId,
      FromUserName: 'sys',
      CreateTime: 1700000000,
      MsgType: 'event',
      Event: 'change_external_chat',
      ChatId: 'wrabc',
      ChangeType: 'update',
      UpdateDetail: 'add_member',
      MemChangeList: ['wm1', 'wm2'],
    });
    const sealed = sealEvent(creds, xml);
    const ev = parseEventXml(openEvent(creds, sealed.query, sealed.body));
    expect(ev).toMatchObject({ Event: 'change_external_chat', ChatId: 'wrabc', CreateTime: '1700000000', MemChangeList: ['wm1', 'wm2'] });
  });

  it('reads the old comma-separated MemChangeList and keeps leading zeros', () => {
    const ev = parseEventXml('<xml><MemChangeList>a,b</MemChangeList><Id>0123</Id></xml>');
    expect(ev.MemChangeList).toEqual(['a', 'b']);
    expect(ev.Id).toBe('0123');
  });

  it('derives one dedupe key per distinct plaintext', () => {
    expect(eventKey('<xml>a</xml>')).toBe(eventKey('<xml>a</xml>'));
    expect(eventKey('<xml>a</xml>')).not.toBe(eventKey('<xml>b</xml>'));
  });
});

describe('isValidEncodingAesKey', () => {
  it('accepts exactly 43 alphanumerics', () => {
    expect(isValidEncodingAesKey(OFFICIAL.creds.encodingAesKey)).toBe(true);
    expect(isValidEncodingAesKey(OFFICIAL.creds.encodingAesKey.slice(1))).toBe(false);
    expect(isValidEncodingAesKey(`${OFFICIAL.creds.encodingAesKey.slice(1)}+`)).toBe(false);
  });
});
