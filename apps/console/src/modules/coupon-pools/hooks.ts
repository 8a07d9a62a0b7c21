// Coupon pools (优惠券库): pools with their codes' counts, create, import codes by CSV, generate codes, list codes.
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { z } from 'zod';
import type { CodeImportReport, CouponPool as CouponPoolSchema } from '@pond/contracts/rewards';
import { api, uploadFile, type ItemList, type Page } from '../../api/client';

export type { CodeImportReport } from '@pond/contracts/rewards';
/** As the API sends it (times as ISO strings). */
export type CouponPool = z.input<typeof CouponPoolSchema>;
export interface CouponCodeRow { code: string; state: 'available' | 'claimed' | 'redeemed' | 'void'; externalUserid: string | null; claimedAt: string | null; expiresAt: string | null; redeemedAt: string | null; orderId: string | null }
export interface PoolInput { name: string; faceValueFen: number; thresholdFen?: number; validUntil?: string | null; validDays?: number | null; useUrl?: string | null }

const key = ['coupon-pools'] as const;

export function useCouponPools() {
  return useQuery({ queryKey: key, queryFn: ({ signal }) => api.get<ItemList<CouponPool>>('/coupon-pools', undefined, signal) });
}

export function useCreatePool() {
  const queryClient = useQueryClient();
  return useMutation({ mutationFn: (input: PoolInput) => api.post<CouponPool>('/coupon-pools', input), onSuccess: () => void queryClient.invalidateQueries({ queryKey: key }) });
}

export function useDeletePool() {
  const queryClient = useQueryClient();
  return useMutation({ mutationFn: (id: number) => api.delete(`/coupon-pools/${id}`), onSuccess: () => void queryClient.invalidateQueries({ queryKey: key }) });
}

export function useImportCodes() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ id, file }: { id: number; file: File }) => uploadFile<CodeImportReport>(`/coupon-pools/${id}/codes/import`, new File([file], file.name, { type: 'text/csv' })),
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: key }),
  });
}

export function useGenerateCodes() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ id, count, prefix }: { id: number; count: number; prefix: string }) => api.post<{ added: number; sample: string[] }>(`/coupon-pools/${id}/codes/generate`, { count, prefix }),
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: key }),
  });
}

export function usePoolCodes(id: number | null, page: number, state?: string) {
  return useQuery({
    queryKey: [...key, id, 'codes', page, state], enabled: id !== null,
    queryFn: ({ signal }) => api.get<Page<CouponCodeRow>>(`/coupon-pools/${id}/codes`, { page, pageSize: 20, state }, signal),
  });
}
