// Customers (external contacts), their follow relations, groups and event timeline, and the edits
// made from the detail page. Remark and tag edits are written to WeCom by the server (remark,
// mark_tag), which also records `remark.changed` / `tag.added` / `tag.removed` events, so after each
// edit the customer (follows and timeline) and the customer lists are refetched.
import { keepPreviousData, useInfiniteQuery, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { RFM_BUCKET_NAMES, type CustomerOrders, type RfmBucket } from '@pond/contracts/commerce';
import type { CustomerDetail, CustomerEvent, CustomerList, CustomerListQuery, CustomerNote, CustomerNotes, Follow, FollowPatch, Timeline } from '@pond/contracts/customers';
import { api, type UrlQuery } from '../../api/client';

export type {
  Customer,
  CustomerDetail,
  CustomerEvent,
  CustomerGroup,
  CustomerListItem,
  CustomerNote,
  Follow,
  FollowPatch,
  FollowStatus,
} from '@pond/contracts/customers';
export type { CustomerOrder, CustomerOrders, OrderLine as OrderItem, RfmBucket, RfmThresholds } from '@pond/contracts/commerce';
export { FOLLOW_LIMITS, MOBILE_PATTERN, NOTE_MAX } from '@pond/contracts/customers';

/** The list's filters as the page keeps them (the URL's values; the tag ids a list, sent comma-separated). */
export type CustomerQuery = Omit<UrlQuery<CustomerListQuery>, 'tagIds'> & { tagIds?: string[] };

export function useCustomers(query: CustomerQuery) {
  return useQuery({
    queryKey: ['customers', 'list', query],
    queryFn: ({ signal }) => api.get<CustomerList>('/customers', { ...query }, signal),
    placeholderData: keepPreviousData,
  });
}

export function useCustomer(externalUserid: string) {
  return useQuery({
    queryKey: ['customers', 'detail', externalUserid],
    queryFn: ({ signal }) => api.get<CustomerDetail>(`/customers/${encodeURIComponent(externalUserid)}`, undefined, signal),
    // Back from the phone or the shop: what the customer just did (an order, a join) shows at once.
    refetchOnWindowFocus: 'always',
  });
}

/** The eight RFM buckets, in the order the console lists them. */
export const RFM_BUCKETS: RfmBucket[] = RFM_BUCKET_NAMES;

/** The orders card: summary, R/F/M and bucket, latest orders (refunded ones included, marked). */
export function useCustomerOrders(externalUserid: string) {
  return useQuery({
    queryKey: ['customers', 'orders', externalUserid],
    queryFn: ({ signal }) => api.get<CustomerOrders>(`/customers/${encodeURIComponent(externalUserid)}/orders`, undefined, signal),
    refetchOnWindowFocus: 'always',
  });
}

export const TIMELINE_PAGE = 50;
/** The detail call returns only the newest events; a shorter list than this is taken as complete. */
export const TIMELINE_MORE_THRESHOLD = 20;

/** Older events after the ones the detail call returned, a page at a time. */
export function useOlderEvents(externalUserid: string, before: CustomerEvent['id'] | undefined) {
  return useInfiniteQuery({
    queryKey: ['customers', 'timeline', externalUserid, before],
    enabled: false, // fetched on "load more" only
    initialPageParam: before,
    queryFn: ({ pageParam, signal }) =>
      api.get<Timeline>(
        `/customers/${encodeURIComponent(externalUserid)}/timeline`,
        { before: pageParam, limit: TIMELINE_PAGE },
        signal,
      ),
    getNextPageParam: (last) => (last.items.length < TIMELINE_PAGE ? undefined : last.items[last.items.length - 1]?.id),
  });
}

// ---- Edits -------------------------------------------------------------------------------------

const customerPath = (externalUserid: string) => `/customers/${encodeURIComponent(externalUserid)}`;
const followPath = (externalUserid: string, userid: string) =>
  `${customerPath(externalUserid)}/follows/${encodeURIComponent(userid)}`;

/** After a write to a relation: the detail (follows + newest events), older event pages and the lists. */
function useFollowWrite<Input>(externalUserid: string, write: (input: Input) => Promise<Follow>) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: write,
    onSuccess: async (follow) => {
      // Show the server's answer at once, then refetch for the new timeline events.
      queryClient.setQueryData<CustomerDetail>(['customers', 'detail', externalUserid], (old) =>
        old ? { ...old, follows: old.follows.map((f) => (f.userid === follow.userid ? { ...f, ...follow } : f)) } : old,
      );
      await Promise.all([
        queryClient.invalidateQueries({ queryKey: ['customers', 'detail', externalUserid] }),
        queryClient.invalidateQueries({ queryKey: ['customers', 'timeline', externalUserid] }),
        queryClient.invalidateQueries({ queryKey: ['customers', 'list'] }),
      ]);
    },
  });
}

export function useUpdateFollow(externalUserid: string) {
  return useFollowWrite(externalUserid, ({ userid, patch }: { userid: string; patch: FollowPatch }) =>
    api.patch<Follow>(followPath(externalUserid, userid), patch),
  );
}

export function useChangeFollowTags(externalUserid: string) {
  return useFollowWrite(externalUserid, ({ userid, add, remove }: { userid: string; add: string[]; remove: string[] }) =>
    api.post<Follow>(`${followPath(externalUserid, userid)}/tags`, { add, remove }),
  );
}

const notesKey = (externalUserid: string) => ['customers', 'notes', externalUserid] as const;

export function useNotes(externalUserid: string) {
  return useQuery({
    queryKey: notesKey(externalUserid),
    queryFn: ({ signal }) => api.get<CustomerNotes>(`${customerPath(externalUserid)}/notes`, undefined, signal),
  });
}

function useNoteWrite<Input, Output>(externalUserid: string, write: (input: Input) => Promise<Output>) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: write,
    onSuccess: () => queryClient.invalidateQueries({ queryKey: notesKey(externalUserid) }),
  });
}

export function useAddNote(externalUserid: string) {
  return useNoteWrite(externalUserid, (text: string) => api.post<CustomerNote>(`${customerPath(externalUserid)}/notes`, { text }));
}

export function useDeleteNote(externalUserid: string) {
  return useNoteWrite(externalUserid, (id: CustomerNote['id']) =>
    api.delete<{ ok: true }>(`${customerPath(externalUserid)}/notes/${encodeURIComponent(String(id))}`),
  );
}
