// The staff task inbox: the board (per staff and store) and the tasks themselves.
import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { Task, TaskBoard, TaskBoardQuery, TaskListQuery } from '@pond/contracts/tasks';
import { api, type Page, type UrlQuery } from '../../api/client';

export type { Task, TaskBoard };

const key = ['tasks'] as const;

export function useTaskBoard(query: TaskBoardQuery, enabled = true) {
  return useQuery({
    queryKey: [...key, 'board', query],
    queryFn: ({ signal }) => api.get<TaskBoard>('/tasks/board', query as UrlQuery<TaskBoardQuery>, signal),
    placeholderData: keepPreviousData,
    enabled,
  });
}

export function useTasks(query: UrlQuery<TaskListQuery>) {
  return useQuery({
    queryKey: [...key, 'list', query],
    queryFn: ({ signal }) => api.get<Page<Task>>('/tasks', query, signal),
    placeholderData: keepPreviousData,
  });
}

function useTaskWrite<I>(write: (input: I) => Promise<Task>) {
  const queryClient = useQueryClient();
  return useMutation({ mutationFn: write, onSuccess: () => queryClient.invalidateQueries({ queryKey: key }) });
}

export const useTaskDone = () => useTaskWrite((id: number) => api.post<Task>(`/tasks/${id}/done`, { via: 'manual' }));
export const useTaskSkip = () => useTaskWrite(({ id, reason }: { id: number; reason: string }) => api.post<Task>(`/tasks/${id}/skip`, { reason }));
