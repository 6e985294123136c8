/**
 * 简体中文 — the default language. Every user-visible string of the client lives here and in en.ts; the names of
 * the domain's values (`labels.*`) come from the shared labels.
 */
import { domainLabels } from './labels.ts';

const zhCN = {
  app: {
    product: 'GridCommand',
    productLocal: '网格指挥中心',
    district: '青岛西海岸新区（黄岛区）',
    language: '语言',
    loadingMap: '正在加载地图…',
  },
  labels: domainLabels('zh-CN'),
  lang: {
    'zh-CN': '中文',
    en: 'EN',
  },
  stats: {
    streets: '街道',
    zones: '管区',
    communities: '社区',
    grids: '网格',
    vacant: '真空网格',
  },
  legend: {
    title: '图例',
    district: '区界',
    street: '街道边界',
    zone: '管区边界',
    grid: '网格',
    hover: '指向网格',
    selected: '选中网格',
    vacancy: '网格真空（无责任人）',
    density: '人口密度',
    low: '低',
    high: '高',
  },
  panel: {
    title: '网格档案',
    close: '关闭',
    closeHint: '按 Esc 关闭',
    gridCode: '网格编码',
    displayCode: '网格简码',
    community: '社区',
    zone: '管区',
    street: '街道',
    population: '常住人口',
    households: '户数',
    area: '面积',
    areaUnit: '平方公里',
    people: '人',
    householdUnit: '户',
    responsible: '网格责任人',
    none: '无',
    vacancy: '网格真空',
    vacancyDetail: '本网格当前无责任人，请尽快指派。',
    staff: '网格力量',
    staffCount: '{{count}} 人',
    staffEmpty: '暂无在册人员',
    responsibleBadge: '责任人',
    loading: '加载中…',
    loadFailed: '网格详情加载失败',
  },
  roles: {
    grid_worker: '专职网格员',
    community_police: '社区民警',
    city_management: '城管队员',
    safety_inspector: '安全监管员',
    building_head: '楼长',
    property_manager: '物业管理员',
    volunteer: '志愿者',
    unknown: '其他',
  },
  errors: {
    title: '出错了',
    network: '无法连接服务器',
    notFound: '未找到请求的数据',
    server: '服务器错误',
    map: '地图数据加载失败',
    webgl: '此浏览器无法创建 WebGL 画布，地图无法显示。',
    dismiss: '关闭提示',
  },
} as const;

export default zhCN;

type Widen<T> = { [K in keyof T]: T[K] extends string ? string : Widen<T[K]> };
/** Shape every other language must have, so a missing key is a type error. */
export type Messages = Widen<typeof zhCN>;
