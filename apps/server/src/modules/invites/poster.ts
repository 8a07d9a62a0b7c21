// A participant's poster: the campaign's template with their own QR (their /l/i/<token> link), nickname and staff.
// Rendering is behind `InvitePosterRenderer` so the poster designer (modules/posters) can take over; the default
// draws live codes' 9:16 poster. Posters are cached per participant and content hash (invite_posters): a re-request
// of an unchanged poster is a read, not a render.
import { createHash } from 'node:crypto';
import type { InviteConfig } from '@pond/contracts/invites';
import type { CampaignRow } from '../campaigns';
import { renderPoster } from '../live-codes';
import type { Db } from '../rewards';
import * as repo from './repo';

export interface PosterVars { qrText: string; nickname?: string; avatarUrl?: string; staffName?: string }

export interface InvitePosterRenderer {
  render(corpId: string, campaign: CampaignRow, vars: PosterVars): Promise<Buffer>;
}

/** Live codes' poster (satori + resvg, the CJK font shipped): the campaign's headline and copy, the QR, the participant. */
export const defaultPosterRenderer: InvitePosterRenderer = {
  render(_corpId, campaign, vars) {
    const cfg = campaign.config as Partial<InviteConfig>;
    return renderPoster({
      qrText: vars.qrText,
      title: (cfg.posterTitle || campaign.name).slice(0, 40),
      subtitle: vars.nickname ? `${vars.nickname} 邀请你 · invites you` : undefined,
      body: cfg.posterText || undefined,
      staffName: vars.staffName,
      staffAvatarUrl: vars.avatarUrl,
    });
  },
};

/** What a poster depends on: a change of any of it renders a new one. */
export function posterHash(campaign: CampaignRow, vars: PosterVars): string {
  const cfg = campaign.config as Partial<InviteConfig>;
  return createHash('sha256')
    .update(JSON.stringify([campaign.name, cfg.posterTemplateId ?? null, cfg.posterTitle ?? '', cfg.posterText ?? '', vars.qrText, vars.nickname ?? '', vars.avatarUrl ?? '', vars.staffName ?? '']))
    .digest('base64url').slice(0, 32);
}

export class PosterCache {
  constructor(private db: Db, private renderer: () => InvitePosterRenderer) {}

  async get(campaign: CampaignRow, participantId: number, vars: PosterVars): Promise<{ png: Buffer; rendered: boolean }> {
    const hash = posterHash(campaign, vars);
    const hit = await repo.cachedPoster(this.db, participantId, hash);
    if (hit) return { png: hit, rendered: false };
    const png = await this.renderer().render(campaign.corp_id, campaign, vars);
    await repo.storePoster(this.db, participantId, hash, png);
    return { png, rendered: true };
  }
}
