// Script library (话术库): folders and scripts, searched with Chinese word segmentation on the server.
import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { FolderInput, Script, ScriptFolder, ScriptInput } from '@pond/contracts/scripts';
import { api, type ItemList } from '../../api/client';

export type { Script, ScriptFolder };

const key = ['scripts'] as const;

export function useScriptFolders() {
  return useQuery({ queryKey: [...key, 'folders'], queryFn: ({ signal }) => api.get<ItemList<ScriptFolder>>('/script-folders', undefined, signal) });
}

export function useScripts(query: { q?: string; folderId?: number }) {
  return useQuery({
    queryKey: [...key, 'list', query],
    queryFn: ({ signal }) => api.get<ItemList<Script>>('/scripts', { ...query, limit: 200 }, signal),
    placeholderData: keepPreviousData,
  });
}

function useScriptWrite<I, O>(write: (input: I) => Promise<O>) {
  const queryClient = useQueryClient();
  return useMutation({ mutationFn: write, onSuccess: () => queryClient.invalidateQueries({ queryKey: key }) });
}

export const useCreateFolder = () => useScriptWrite((input: FolderInput) => api.post<ScriptFolder>('/script-folders', input));
export const useDeleteFolder = () => useScriptWrite((id: number) => api.delete<{ ok: true }>(`/script-folders/${id}`));
export const useCreateScript = () =>
  useScriptWrite((input: ScriptInput) => api.post<Script>('/scripts', input));
export const useUpdateScript = () =>
  useScriptWrite(({ id, ...input }: ScriptInput & { id: number }) => api.patch<Script>(`/scripts/${id}`, input));
export const useDeleteScript = () => useScriptWrite((id: number) => api.delete<{ ok: true }>(`/scripts/${id}`));
