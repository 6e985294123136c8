/**
 * Approximate placement of the streets/towns of 黄岛区 (青岛西海岸新区): a centre (lon, lat) near the real seat,
 * a resident estimate (thousands; plausible round figures summing to ≈1.71 M, not official statistics) and a
 * spread (km) for the population density model. Urban 街道 are compact and dense in the north-east and around
 * the old 胶南 city; rural 镇 are larger in the south-west.
 */
export interface StreetPlan {
  lon: number;
  lat: number;
  /** thousand residents */
  pop: number;
  /** spread of the population kernel, km */
  sigma: number;
}

export const STREET_PLAN: Record<string, StreetPlan> = {
  '370211001': { lon: 120.235, lat: 36.025, pop: 140, sigma: 2.2 }, // 黄岛街道
  '370211002': { lon: 120.15, lat: 36.0, pop: 185, sigma: 2.8 }, // 辛安街道
  '370211003': { lon: 120.265, lat: 35.975, pop: 140, sigma: 2.4 }, // 薛家岛街道
  '370211004': { lon: 120.115, lat: 35.945, pop: 50, sigma: 3.5 }, // 灵珠山街道
  '370211005': { lon: 120.195, lat: 35.958, pop: 165, sigma: 2.1 }, // 长江路街道
  '370211006': { lon: 120.075, lat: 36.075, pop: 80, sigma: 3.5 }, // 红石崖街道
  '370211007': { lon: 120.075, lat: 35.91, pop: 85, sigma: 2.8 }, // 灵山卫街道
  '370211009': { lon: 120.025, lat: 35.875, pop: 115, sigma: 2.2 }, // 珠海街道
  '370211010': { lon: 119.975, lat: 35.9, pop: 125, sigma: 2.3 }, // 隐珠街道
  '370211011': { lon: 120.0, lat: 35.985, pop: 40, sigma: 4.5 }, // 铁山街道
  '370211012': { lon: 120.05, lat: 35.84, pop: 60, sigma: 3.5 }, // 滨海街道
  '370211013': { lon: 119.995, lat: 35.862, pop: 60, sigma: 1.6 }, // 胶南街道
  '370211014': { lon: 119.965, lat: 36.055, pop: 60, sigma: 4.5 }, // 王台街道
  '370211015': { lon: 119.94, lat: 35.8, pop: 42, sigma: 4.5 }, // 张家楼街道
  '370211102': { lon: 119.9, lat: 35.665, pop: 42, sigma: 5.5 }, // 琅琊镇
  '370211103': { lon: 119.76, lat: 35.68, pop: 70, sigma: 6 }, // 泊里镇
  '370211104': { lon: 119.65, lat: 35.63, pop: 50, sigma: 6 }, // 大场镇
  '370211105': { lon: 119.83, lat: 35.76, pop: 45, sigma: 6 }, // 大村镇
  '370211106': { lon: 119.82, lat: 35.9, pop: 32, sigma: 7 }, // 六汪镇
  '370211107': { lon: 119.58, lat: 35.76, pop: 32, sigma: 7 }, // 海青镇
  '370211108': { lon: 119.86, lat: 36.0, pop: 36, sigma: 7 }, // 宝山镇
  '370211109': { lon: 119.72, lat: 35.82, pop: 42, sigma: 7 }, // 藏马镇
};
