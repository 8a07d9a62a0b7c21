// Store writes (门店). Reads come from the org hooks (useStores), which every store picker shares.
// Binding a store to a department moves that department's staff (and their groups) to the store,
// so the staff list is refetched too.
import { useMutation, useQueryClient } from '@tanstack/react-query';
import type { Store, StoreInput, StorePatch } from '@pond/contracts/org';
import { api } from '../../api/client';

export type { StoreInput, StorePatch };

function useStoreWrite<Input, Output>(write: (input: Input) => Promise<Output>) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: write,
    onSuccess: async () => {
      await Promise.all([
        queryClient.invalidateQueries({ queryKey: ['stores'] }),
        queryClient.invalidateQueries({ queryKey: ['staff'] }),
      ]);
    },
  });
}

export function useCreateStore() {
  return useStoreWrite((input: StoreInput) => api.post<Store>('/stores', input));
}

export function useUpdateStore() {
  return useStoreWrite(({ id, input }: { id: Store['id']; input: StorePatch }) => api.patch<Store>(`/stores/${encodeURIComponent(id)}`, input));
}

export function useDeleteStore() {
  return useStoreWrite((id: Store['id']) => api.delete<{ ok: true }>(`/stores/${encodeURIComponent(id)}`));
}

/** Both coordinates set: the store can be found by a store-routing code. */
export function hasCoordinates(store: Pick<Store, 'lat' | 'lng'>): boolean {
  return typeof store.lat === 'number' && typeof store.lng === 'number';
}
