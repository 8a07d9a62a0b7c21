// One building block for every list page: URL-kept filters and paging (useListState), the page frame
// (ListPage, FilterBar, ExportButton) and the table with its pagination, empty and error states (ListTable).
export { choice, list, text, useListState, useLocalPaging, type Field, type ListState, type Paging } from './use-list-state';
export { ListTable, type ListQuery, type ListTableProps } from './list-table';
export { ExportButton, FilterBar, ListPage, type ListPageProps, type ListTab } from './list-page';
