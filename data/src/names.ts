/** Fictional person names and mobile numbers. */
import type { Rng } from './prng.ts';

// Common surnames (Shandong-heavy order), repeated entries weight the draw.
const SURNAMES = '王王王张张张李李李刘刘孙孙杨赵赵徐徐陈高高薛于于姜姜宋宋丁丁韩马胡郭朱林周吴郑冯袁董崔曲隋纪逄矫栾臧修管韦范毛程孟盛'.split('');
const GIVEN = '伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉萍红建文辉力鹏宇浩欣怡晨雪海波峰林晓丹婷琳新春国志立成东亮慧佳颖凯斌鑫瑞雯倩婧晶俊昊博然梅兰凤云飞龙家彤宁健泽琪萌旭阳'.split('');

export function personName(rng: Rng): string {
  const surname = rng.pick(SURNAMES);
  const given = rng.chance(0.62) ? rng.pick(GIVEN) + rng.pick(GIVEN) : rng.pick(GIVEN);
  return surname + given;
}

const PREFIXES = ['130', '131', '132', '133', '135', '136', '137', '138', '139', '150', '151', '152', '153', '155', '156', '157', '158', '159', '180', '181', '182', '183', '185', '186', '187', '188', '189'];

/** Unique fictional 11-digit mobile numbers (^1[0-9]{10}$). */
export class PhoneBook {
  private readonly used = new Set<string>();
  constructor(private readonly rng: Rng) {}
  next(): string {
    for (;;) {
      const n = this.rng.pick(PREFIXES) + String(this.rng.int(0, 99_999_999)).padStart(8, '0');
      if (!this.used.has(n)) {
        this.used.add(n);
        return n;
      }
    }
  }
}

const DIGITS = '零一二三四五六七八九';
/** 1..99 in Chinese numerals (一, 十, 十五, 二十一). */
export function chineseNumber(n: number): string {
  if (n < 10) return DIGITS[n]!;
  const tens = Math.floor(n / 10);
  const ones = n % 10;
  return (tens === 1 ? '' : DIGITS[tens]!) + '十' + (ones === 0 ? '' : DIGITS[ones]!);
}

/** A, B, …, Z, AA, AB, … */
export function letterCode(index: number): string {
  let s = '';
  let i = index + 1;
  while (i > 0) {
    const r = (i - 1) % 26;
    s = String.fromCharCode(65 + r) + s;
    i = Math.floor((i - 1) / 26);
  }
  return s;
}

/** Display name of a community: strip the committee suffix (盐滩社区居民委员会 → 盐滩社区, 北马连村村委会 → 北马连村). */
export function communityShortName(official: string): string {
  let s = official.replace(/(居民委员会|居委会|村民委员会|村委会|委员会)$/, '');
  if (!/(社区|村|居)$/.test(s)) s += '社区';
  return s;
}

/** Place name without 社区/村 (used for zone names): 盐滩社区 → 盐滩. */
export function placeName(short: string): string {
  return short.replace(/(社区|村)$/, '') || short;
}
