// Paid draws (the 1-cent draw): the order hooks' listener. A matched paid order carrying a paid lottery's sku grants
// its entries (once per campaign, order and seq: a re-delivered event grants nothing new); a refund revokes what is
// still unused. Both run inside the hook's transaction.
import type { OrderListener } from '../commerce';
import type { LotteryService } from './service';

export function lotteryOrderListener(lottery: LotteryService): OrderListener {
  return {
    paid: async (db, order) => { await lottery.grantPaidEntries(db, order); },
    refunded: async (db, order) => { await lottery.revokePaidEntries(db, order); },
  };
}
