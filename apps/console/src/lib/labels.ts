// Turns WeCom's numeric codes and Pond's enum strings into words in the current language, falling
// back to "Unknown (code)" so a value the console has not learned yet is still shown, not hidden.
import { useCallback, useMemo } from 'react';
import { useTranslation } from 'react-i18next';

type Code = string | number | null | undefined;

export function useLabels() {
  const { t } = useTranslation();

  const lookup = useCallback(
    (table: Record<string, string>, code: Code): string => {
      if (code === null || code === undefined || code === '') return t('none');
      return table[String(code)] ?? t('unknownCode', { code: String(code) });
    },
    [t],
  );

  return useMemo(() => {
    const addWays: Record<string, string> = t('labels.addWay', { returnObjects: true });
    const joinScenes: Record<string, string> = t('labels.joinScene', { returnObjects: true });
    const quitScenes: Record<string, string> = t('labels.quitScene', { returnObjects: true });
    const eventTypes: Record<string, string> = t('labels.eventTypes', { returnObjects: true });
    const roles: Record<string, string> = t('labels.roles', { returnObjects: true });
    const staffStatuses: Record<string, string> = t('labels.staffStatuses', { returnObjects: true });
    const followStatuses: Record<string, string> = t('labels.followStatuses', { returnObjects: true });
    const customerTypes: Record<string, string> = t('labels.customerTypes', { returnObjects: true });
    const genders: Record<string, string> = t('labels.genders', { returnObjects: true });
    const groupStatuses: Record<string, string> = t('labels.groupStatuses', { returnObjects: true });
    const syncStages: Record<string, string> = t('labels.syncStages', { returnObjects: true });
    const rfmBuckets: Record<string, string> = t('rfm.buckets', { returnObjects: true });
    return {
      addWay: (code: Code) => lookup(addWays, code),
      joinScene: (code: Code) => lookup(joinScenes, code),
      quitScene: (code: Code) => lookup(quitScenes, code),
      // `customer.added` → eventTypes.customer_added: dots would read as nesting in i18next keys.
      eventType: (type: string) => eventTypes[type.replace(/\./g, '_')] ?? type,
      role: (role: Code) => lookup(roles, role),
      staffStatus: (code: Code) => lookup(staffStatuses, code),
      followStatus: (code: Code) => lookup(followStatuses, code),
      customerType: (code: Code) => lookup(customerTypes, code),
      gender: (code: Code) => lookup(genders, code),
      groupStatus: (code: Code) => lookup(groupStatuses, code),
      syncStage: (stage: string) => syncStages[stage] ?? stage,
      rfmBucket: (bucket: Code) => lookup(rfmBuckets, bucket),
    };
  }, [t, lookup]);
}

export type Labels = ReturnType<typeof useLabels>;
