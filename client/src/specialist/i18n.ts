/** Strings of the specialist layers and base data (zh-CN first), added to the app's one namespace. */
import { i18n } from '../i18n/index.ts';

const zhCN = {
  specialist: {
    layers: '专业网格',
    none: '不显示',
    level1: '一级',
    level2: '二级',
    caseLine: '专业网格',
    officer: '负责人',
    base: {
      title: '基础数据',
      hint: '人、地、事、物、组织',
      records: '明细',
      recorded: '明细 {{n}} 条',
      loading: '加载中…',
      empty: '暂无明细',
      noAccess: '仅显示数量',
      logged: '查看明细将记入个人信息访问日志',
      kind: { enterprise: '企业', shop: '商铺', rented_home: '出租房屋', care_person: '关爱对象', key_person: '重点人员' },
      unit: { enterprise: '家', shop: '家', rented_home: '套', care_person: '人', key_person: '人' },
    },
  },
};

const en = {
  specialist: {
    layers: 'Specialist grids',
    none: 'None',
    level1: 'Level 1',
    level2: 'Level 2',
    caseLine: 'Specialist grid',
    officer: 'Officer',
    base: {
      title: 'Base data',
      hint: 'People, places, events, things, organisations',
      records: 'Records',
      recorded: '{{n}} records',
      loading: 'Loading…',
      empty: 'No records',
      noAccess: 'Counts only',
      logged: 'Viewing records is logged as a personal-data read',
      kind: { enterprise: 'Enterprises', shop: 'Shops', rented_home: 'Rented homes', care_person: 'In need of care', key_person: 'Key persons' },
      unit: { enterprise: '', shop: '', rented_home: '', care_person: '', key_person: '' },
    },
  },
};

i18n.addResourceBundle('zh-CN', 'translation', zhCN, true, false);
i18n.addResourceBundle('en', 'translation', en, true, false);
