/** The current time, refreshed every `ms` (deadlines and lights on a screen left open move on by themselves). */
import { useEffect, useState } from 'react';

export function useNow(ms = 15_000): Date {
  const [now, setNow] = useState(() => new Date());
  useEffect(() => {
    const id = window.setInterval(() => setNow(new Date()), ms);
    return () => window.clearInterval(id);
  }, [ms]);
  return now;
}
