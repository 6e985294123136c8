/** The desk's queues: the seven of them as sections, kept live by their own refetches and the desk's event fold. */
import { useMemo } from 'react';
import type { TFunction } from 'i18next';
import { useQueue } from './api.ts';
import { queueSections } from './queueModel.ts';

/**
 * The queues of the desk (kept live by their own refetches and the desk's event fold) as sections at `now`, and
 * whether the first of them has loaded (the desk's readiness).
 */
export function useDeskQueues(t: TFunction, now: Date) {
  const qEmergency = useQueue('emergency', true);
  const qReported = useQueue('reported', true);
  const qFiled = useQueue('filed', true);
  const qRed = useQueue('red', true);
  const qYellow = useQueue('yellow', true);
  const qSupervised = useQueue('supervised', true);
  const qFlagged = useQueue('flagged', true);
  const sections = useMemo(
    () =>
      queueSections(
        t,
        { emergency: qEmergency.data, reported: qReported.data, filed: qFiled.data, red: qRed.data, yellow: qYellow.data, supervised: qSupervised.data, flagged: qFlagged.data },
        now,
      ),
    [qEmergency.data, qReported.data, qFiled.data, qRed.data, qYellow.data, qSupervised.data, qFlagged.data, now, t],
  );
  return { sections, loaded: qReported.isSuccess };
}
