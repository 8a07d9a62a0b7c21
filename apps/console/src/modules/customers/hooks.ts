// Customers (external contacts), their follow relations, groups and event timeline, and the edits
// made from the detail page. Remark and tag edits are written to WeCom by the server (remark,
// mark_tag), which also records `remark.changed` / `tag.added` / `tag.removed` events, so after each
// edit the customer (follows and timeline) and the customer lists are refetched.
import { keepPreviousData, useInfiniteQuery, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, type ItemList, type Page } from '../../api/client';

export type FollowStatus = 'active' | 'deleted_by_staff' | 'deleted_by_customer' | 'transferred';

export interface CustomerListItem {
  externalUserid: string;
  name: string;
  avatar: string | null;
  type: number;
  gender: number;
  corpName: string | null;
  tagIds: string[];
  follows: { userid: string; staffName: string | null; addedAt: string | null; remark: string | null; status: FollowStatus }[];
  firstAddedAt: string | null;
}

export interface Customer {
  externalUserid: string;
  name: string;
  avatar: string | null;
  type: number;
  gender: number;
  unionid: string | null;
  corpName: string | null;
  corpFullName?: string | null;
  position?: string | null;
  firstAddedAt?: string | null;
}

export interface Follow {
  userid: string;
  staffName: string | null;
  remark: string | null;
  description: string | null;
  remarkMobiles: string[] | null;
  remarkCorpName?: string | null;
  addWay: number | null;
  state: string | null;
  tagIds: string[];
  /** Personal tags (个人标签): the staff member's own, set in the WeCom client; read-only. */
  personalTags?: string[];
  addedAt: string | null;
  status: FollowStatus;
  deletedAt: string | null;
}

export interface CustomerGroup {
  chatId: string;
  name: string | null;
  joinTime: string | null;
  joinScene: number | null;
  leftAt: string | null;
  quitScene?: number | null;
}

export interface CustomerEvent {
  id: number | string;
  type: string;
  occurredAt: string;
  userid: string | null;
  staffName: string | null;
  chatId: string | null;
  data: Record<string, unknown> | null;
  /** What happened, as a sentence in each language (names, not ids). */
  summary: { zh: string; en: string };
}

export interface CustomerDetail {
  customer: Customer;
  follows: Follow[];
  groups: CustomerGroup[];
  timeline: CustomerEvent[];
}

export interface CustomerQuery {
  q?: string;
  tagIds?: string[];
  userid?: string;
  storeId?: string;
  channel?: string;
  page: number;
  pageSize: number;
}

export function useCustomers(query: CustomerQuery) {
  return useQuery({
    queryKey: ['customers', 'list', query],
    queryFn: ({ signal }) => api.get<Page<CustomerListItem>>('/customers', { ...query }, signal),
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

export type RfmBucket =
  | 'important_value'
  | 'important_develop'
  | 'important_keep'
  | 'important_retain'
  | 'general_value'
  | 'general_develop'
  | 'general_keep'
  | 'general_retain';

export const RFM_BUCKETS: RfmBucket[] = [
  'important_value',
  'important_develop',
  'important_keep',
  'important_retain',
  'general_value',
  'general_develop',
  'general_keep',
  'general_retain',
];

export interface RfmThresholds {
  recencyDays: number;
  orderCount: number;
  orderTotal: number;
}

export interface OrderItem {
  name: string;
  price: number;
  quantity: number;
  sku?: string;
}

export interface CustomerOrder {
  orderId: string;
  amount: number;
  currency: string;
  items: OrderItem[];
  paidAt: string;
  /** Yuan refunded so far (partial refunds); equal to amount once refundedAt is set. */
  refundedAmount: number;
  refundedAt: string | null;
  userid: string | null;
  staffName: string | null;
  codeId: number | null;
  codeName: string | null;
  channel: string | null;
  storeName: string | null;
}

export interface CustomerOrders {
  summary: {
    orderCount: number;
    orderTotal: number;
    averageOrder: number | null;
    firstOrderAt: string | null;
    lastOrderAt: string | null;
    /** Days since the last order (Asia/Shanghai days); null without orders. */
    recencyDays: number | null;
    r: boolean | null;
    f: boolean | null;
    m: boolean | null;
    bucket: RfmBucket | null;
  };
  thresholds: RfmThresholds;
  items: CustomerOrder[];
}

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
      api.get<ItemList<CustomerEvent>>(
        `/customers/${encodeURIComponent(externalUserid)}/timeline`,
        { before: pageParam, limit: TIMELINE_PAGE },
        signal,
      ),
    getNextPageParam: (last) => (last.items.length < TIMELINE_PAGE ? undefined : last.items[last.items.length - 1]?.id),
  });
}

// ---- Edits -------------------------------------------------------------------------------------

/** WeCom's limits on a relation's remark fields (externalcontact/remark); the server checks the same. */
export const FOLLOW_LIMITS = {
  remark: 20,
  description: 150,
  remarkCorpName: 20,
  mobiles: 5,
  mobile: 20,
} as const;
/** Digits, `+`, `-` and spaces, 1–20 characters. */
export const MOBILE_PATTERN = /^[0-9+\- ]{1,20}$/;
export const NOTE_MAX = 2000;

export interface FollowPatch {
  remark?: string;
  description?: string;
  remarkMobiles?: string[];
  remarkCorpName?: string;
}

export interface CustomerNote {
  id: number | string;
  text: string;
  authorName: string | null;
  createdAt: string;
  mine: boolean;
}

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
    queryFn: ({ signal }) => api.get<ItemList<CustomerNote>>(`${customerPath(externalUserid)}/notes`, undefined, signal),
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
