// Namespace `stores` in English; the keys are zh-CN.ts's (checked by its type).
import type { Messages } from '../../../i18n/messages';
import type zhCN from './zh-CN';

const enUS: Messages<typeof zhCN> = {
  title: 'Stores',
  subtitle: 'Store coordinates let store codes send customers to the nearest store.',
  create: 'New store',
  edit: 'Edit store',
  name: 'Store name',
  code: 'Store code',
  city: 'City',
  address: 'Address',
  coordinates: 'Coordinates (lat, lng)',
  lat: 'Latitude',
  lng: 'Longitude',
  latRange: 'Latitude is between -90 and 90',
  lngRange: 'Longitude is between -180 and 180',
  pickOnMap: 'Pick on a map',
  coordinatesHelp: 'Search the store\'s address in Tencent Maps\' coordinate picker and copy the latitude and longitude above.',
  noCoordinates: 'No coordinates',
  noCoordinatesHelp: 'A store without coordinates is never suggested by distance on a store code.',
  missingCoordinates: '{{n}} stores have no coordinates; store codes cannot suggest them by distance.',
  department: 'Department',
  departmentHelp: 'Bind a WeCom department: its staff then belong to this store.',
  phone: 'Phone',
  staffCount: 'Staff',
  deleteConfirm: 'Delete store "{{name}}"? Its staff will no longer belong to a store.',
  empty: 'No stores yet',
};

export default enUS;
