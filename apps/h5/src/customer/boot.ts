// What the server put in a customer page (a JSON block, no inline script: CSP).
import type { CampaignKind } from '@pond/contracts/activate';
import type { CustomerCampaignView } from '@pond/contracts/campaigns-h5';

export interface CustomerBoot {
  page: 'campaign';
  kind: CampaignKind;
  corpId: string;
  campaignId: number;
  timezone: string;
}

/** A fission path's landing page and sign-up form (the service path). */
export interface FissionBoot {
  page: 'fission';
  corpId: string;
  pathId: number;
  timezone: string;
}

export function readCustomerBoot(): CustomerBoot | FissionBoot {
  const el = document.getElementById('pond-boot');
  return JSON.parse(el?.textContent ?? '{}') as CustomerBoot | FissionBoot;
}

/** The props every kind's page gets: the boot data and the campaign as the customer sees it (reloadable). */
export interface KindPageProps {
  boot: CustomerBoot;
  view: CustomerCampaignView;
  reload: () => Promise<void>;
}
