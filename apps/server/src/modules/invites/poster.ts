// A participant's poster: the campaign's template with their own QR (their /l/i/<token> link), nickname and staff.
// Rendering is behind `InvitePosterRenderer`; app.ts hands in the poster designer's (modules/posters): the campaign's
// template when it names one, else the built-in 9:16 design with the campaign's headline and copy. Posters are cached
// per participant and content hash (invite_posters): a re-request of an unchanged poster is a read, not a render.
import { createHash } from 'node:crypto';
import type { InviteConfig } from '@pond/contracts/invites';
import type { CampaignRow } from '../campaigns';
import { defaultPosterDesign, type PosterService } from '../posters';
import type { Db } from '../rewards';
import * as repo from './repo';

export interface PosterVars { qrText: string; nickname?: string; avatarUrl?: string; staffName?: string }

export interface InvitePosterRenderer {
  render(corpId: string, campaign: CampaignRow, vars: PosterVars): Promise<Buffer>;
}

/** Until app.ts hands in the designer's renderer: refuses (a poster needs the posters module). */
export const defaultPosterRenderer: InvitePosterRenderer = {
  render() { return Promise.reject(new Error('no poster renderer: app.ts sets InviteService.renderer from the posters module')); },
};

/** The poster designer's: the campaign's template when it names one, else the built-in 9:16 design with its copy. */
export function designerPosterRenderer(posters: Pick<PosterService, 'renderPersonal' | 'renderDesign'>): InvitePosterRenderer {
  return {
    async render(corpId, campaign, vars) {
      const cfg = campaign.config as Partial<InviteConfig>;
      if (cfg.posterTemplateId) return (await posters.renderPersonal(corpId, cfg.posterTemplateId, vars)).png;
      const design = defaultPosterDesign({
        title: (cfg.posterTitle || campaign.name).slice(0, 40),
        subtitle: vars.nickname ? `${vars.nickname} 邀请你 · invites you` : undefined,
        body: cfg.posterText || undefined,
      });
      return (await posters.renderDesign(corpId, design, vars)).png;
    },
  };
}

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
