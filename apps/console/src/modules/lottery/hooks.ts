// Lotteries (抽奖): one lottery with its numbers, its winners, and create / edit (the list and the status changes are
// the shared campaign pieces in modules/campaigns).
import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { CampaignStatus, EntryCost, Eligibility } from '@pond/contracts/activate';
import type { PrizeKind } from '@pond/contracts/lottery';
import { api, apiUrl } from '../../api/client';

export type { CampaignStatus, EntryCost, PrizeKind };
export const PRIZE_KINDS: PrizeKind[] = ['coupon', 'gift', 'points', 'redpacket', 'nothing'];

export interface LotteryConfig { perDay: number | null; total: number | null; display: 'wheel' | 'grid' }
export interface Prize {
  id: number; position: number; name: string; kind: PrizeKind; weight: number; stock: number | null; won: number; couponPoolId: number | null;
  points: number; amountFen: number; costFen: number; imageUrl: string | null;
}
export interface Numbers { participants: number; rewards: number; costFen: number; orders: number; gmvFen: number }
export interface Lottery {
  id: number; name: string; status: CampaignStatus; startsAt: string; endsAt: string | null; eligibility: Eligibility; entry: EntryCost; rules: string;
  joinCodeId: number | null; budgetTotalFen: number | null; budgetDailyFen: number | null; rewardsPerCustomer: number | null; pageUrl: string;
  config: LotteryConfig; prizes: Prize[];
}
export interface LotteryDetail extends Lottery {
  numbers: Numbers & { draws: number; winners: number; entriesUnused: number; entriesRevoked: number };
  perPrize: { prizeId: number; name: string; kind: PrizeKind; won: number; stockLeft: number | null; costFen: number }[];
  drawsPerDay: { day: string; draws: number; winners: number }[];
}
export interface Winner {
  entryId: number; externalUserid: string; customerName: string | null; prizeId: number; prizeName: string; prizeKind: PrizeKind; drawnAt: string;
  rewardId: number | null; rewardState: string | null; couponCode: string | null; points: number; amountFen: number; address: Record<string, unknown> | null;
}
export type PrizeInput = Omit<Prize, 'id' | 'position' | 'won'> & { id?: number };
export interface LotteryInput {
  name: string; startsAt: string; endsAt: string | null; rules: string; entry: EntryCost; config: LotteryConfig; prizes: PrizeInput[];
  budgetTotalFen: number | null; budgetDailyFen: number | null; rewardsPerCustomer: number | null; joinCodeId: number | null;
  eligibility: Eligibility;
}

/** The lotteries' query key root (their list is the shared campaigns list, kind lottery: modules/campaigns). */
export const LOTTERIES_KEY = ['lotteries'] as const;
const key = LOTTERIES_KEY;

export function useLottery(id: number | undefined) {
  return useQuery({ queryKey: [...key, id], queryFn: ({ signal }) => api.get<LotteryDetail>(`/lotteries/${id}`, undefined, signal), enabled: id !== undefined });
}

export function useWinners(id: number, page: { limit: number; offset: number }) {
  return useQuery({
    queryKey: [...key, id, 'winners', page],
    queryFn: ({ signal }) => api.get<{ items: Winner[]; total: number }>(`/lotteries/${id}/winners`, page, signal),
    placeholderData: keepPreviousData,
  });
}

export const winnersCsvUrl = (id: number) => apiUrl(`/lotteries/${id}/winners.csv`);

function useWrite<Input, Output>(write: (input: Input) => Promise<Output>) {
  const queryClient = useQueryClient();
  return useMutation({ mutationFn: write, onSuccess: () => queryClient.invalidateQueries({ queryKey: key }) });
}

export const useCreateLottery = () => useWrite((input: LotteryInput) => api.post<Lottery>('/lotteries', input));
export const useUpdateLottery = (id: number) => useWrite((input: Partial<LotteryInput>) => api.patch<Lottery>(`/lotteries/${id}`, input));
