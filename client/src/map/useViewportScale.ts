import { useEffect, useState } from 'react';

/** How much larger than a 1920-px screen the window is (1 on a desktop, 2 on a 4K wall), capped at `max`. */
export function useViewportScale(max: number): number {
  const compute = () => Math.max(1, Math.min(max, window.innerWidth / 1920));
  const [scale, setScale] = useState(compute);
  useEffect(() => {
    const onResize = () => setScale(compute());
    window.addEventListener('resize', onResize);
    return () => window.removeEventListener('resize', onResize);
  }, [max]);
  return scale;
}
