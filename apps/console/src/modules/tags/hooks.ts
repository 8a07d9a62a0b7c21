// Corp tags. Writes go to WeCom first (the server calls WeCom, then updates its own tables since
// WeCom sends no callback for API writes), so after each write the cached tag list is refetched.
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useMemo } from 'react';
import type { CreatedTag, SavedTag, Tag, TagBody, TagGroup, TagGroupBody, TagTree } from '@pond/contracts/tags';
import { api } from '../../api/client';

export type { Tag, TagGroup };

/** A tag with its group's name, for showing the tag ids customers and follows carry. */
export type TagInfo = Pick<Tag, 'id' | 'name'> & { groupId: TagGroup['id']; groupName: TagGroup['name'] };

const tagsKey = ['tags'] as const;

export function useTags() {
  return useQuery({
    queryKey: tagsKey,
    queryFn: ({ signal }) => api.get<TagTree>('/tags', undefined, signal),
    staleTime: 60_000,
  });
}

/** Tag id → name and group, to show the names of the ids that customers and follows carry. */
export function useTagIndex(): Map<string, TagInfo> {
  const tags = useTags();
  return useMemo(() => {
    const index = new Map<string, TagInfo>();
    for (const group of tags.data?.groups ?? []) {
      for (const tag of group.tags) index.set(tag.id, { id: tag.id, name: tag.name, groupId: group.id, groupName: group.name });
    }
    return index;
  }, [tags.data]);
}

function useTagWrite<Input, Output>(write: (input: Input) => Promise<Output>) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: write,
    onSuccess: () => queryClient.invalidateQueries({ queryKey: tagsKey }),
  });
}

export function useCreateTagGroup() {
  return useTagWrite((input: TagGroupBody) => api.post<TagGroup>('/tag-groups', input));
}

export function useRenameTagGroup() {
  return useTagWrite(({ id, name }: { id: string; name: string }) =>
    api.patch<TagGroup>(`/tag-groups/${encodeURIComponent(id)}`, { name }),
  );
}

export function useDeleteTagGroup() {
  return useTagWrite((id: string) => api.delete<{ ok: true }>(`/tag-groups/${encodeURIComponent(id)}`));
}

export function useCreateTag() {
  return useTagWrite((input: TagBody) => api.post<CreatedTag>('/tags', input));
}

export function useRenameTag() {
  return useTagWrite(({ id, name }: { id: string; name: string }) => api.patch<SavedTag>(`/tags/${encodeURIComponent(id)}`, { name }));
}

export function useDeleteTag() {
  return useTagWrite((id: string) => api.delete<{ ok: true }>(`/tags/${encodeURIComponent(id)}`));
}
