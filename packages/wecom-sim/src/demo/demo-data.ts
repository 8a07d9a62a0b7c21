// Names and structure of the demo corp: a coffee-and-bakery brand with a head office and two
// Shanghai stores. Plain data; seed-demo.ts turns it into rows.

export const DEMO_CORP_NAME = '鱼塘咖啡 (Demo)';

export const DEMO_DEPARTMENTS = [
  { id: 1, name: DEMO_CORP_NAME, nameEn: 'Pond Coffee', parentid: 0, order: 100 },
  { id: 2, name: '总部', nameEn: 'Head office', parentid: 1, order: 90 },
  { id: 3, name: '华东区', nameEn: 'East China', parentid: 1, order: 80 },
  { id: 4, name: '静安店', nameEn: 'Jing’an store', parentid: 3, order: 70 },
  { id: 5, name: '徐汇店', nameEn: 'Xuhui store', parentid: 3, order: 60 },
];

export const DEMO_STAFF = [
  { userid: 'linxiao', name: '林晓', department: [2], position: '运营经理', gender: 2 as const },
  { userid: 'chensiyuan', name: '陈思远', department: [2], position: '社群运营', gender: 1 as const },
  { userid: 'wangli', name: '王丽', department: [4], position: '店长', gender: 2 as const },
  { userid: 'zhangwei', name: '张伟', department: [4], position: '导购', gender: 1 as const },
  { userid: 'liufang', name: '刘芳', department: [4], position: '导购', gender: 2 as const },
  { userid: 'zhaomin', name: '赵敏', department: [4], position: '导购', gender: 2 as const },
  { userid: 'zhoujie', name: '周杰', department: [5], position: '店长', gender: 1 as const },
  { userid: 'wuting', name: '吴婷', department: [5], position: '导购', gender: 2 as const },
  { userid: 'sunhao', name: '孙浩', department: [5], position: '导购', gender: 1 as const },
  { userid: 'zhengjie', name: '郑洁', department: [5], position: '导购', gender: 2 as const },
];

/** Staff who take customers at each store, and the channel states of that store. */
export const STORES = [
  { dept: 4, guides: ['zhangwei', 'liufang', 'zhaomin', 'wangli'], manager: 'wangli', state: 'store_jingan' },
  { dept: 5, guides: ['wuting', 'sunhao', 'zhengjie', 'zhoujie'], manager: 'zhoujie', state: 'store_xuhui' },
];

export const DEMO_TAG_GROUPS = [
  { name: '客户等级', order: 300, tags: ['普通会员', '银卡会员', '金卡会员', '钻石会员'] },
  { name: '兴趣', order: 200, tags: ['咖啡', '甜品', '轻食', '烘焙', '茶饮'] },
  { name: '来源渠道', order: 100, tags: ['门店', '包裹卡', '公众号', '小红书', '视频号', '朋友推荐'] },
];

/** Channel → follow state (≤ 30 chars), add_way and the 来源渠道 tag it implies. */
export const CHANNELS = [
  { weight: 40, state: null as string | null, addWay: 1, tag: '门店' }, // the store's own state
  { weight: 15, state: 'parcel_card', addWay: 1, tag: '包裹卡' },
  { weight: 15, state: 'gzh_menu', addWay: 1, tag: '公众号' },
  { weight: 10, state: 'xhs_note', addWay: 1, tag: '小红书' },
  { weight: 8, state: 'sph_live', addWay: 1, tag: '视频号' },
  { weight: 7, state: '', addWay: 3, tag: '朋友推荐' },
  { weight: 5, state: '', addWay: 2, tag: null as string | null },
];

export const DEMO_GROUPS = [
  { name: '静安店福利1群', owner: 'wangli', store: 0 },
  { name: '静安店福利2群', owner: 'zhangwei', store: 0 },
  { name: '静安咖啡爱好者', owner: 'liufang', store: 0 },
  { name: '静安店VIP群', owner: 'wangli', store: 0 },
  { name: '徐汇店福利1群', owner: 'zhoujie', store: 1 },
  { name: '徐汇店福利2群', owner: 'wuting', store: 1 },
  { name: '徐汇烘焙交流群', owner: 'sunhao', store: 1 },
  { name: '徐汇店VIP群', owner: 'zhoujie', store: 1 },
  { name: '鱼塘会员总群', owner: 'chensiyuan', store: -1 },
  { name: '新品试吃团', owner: 'linxiao', store: -1 },
];

/** The shop's menu (yuan): what demo orders are made of. `kind` decides how often and how many. */
export const MENU = [
  { sku: 'C01', name: '美式咖啡', price: 22, kind: 'drink' },
  { sku: 'C02', name: '拿铁咖啡', price: 28, kind: 'drink' },
  { sku: 'C03', name: '燕麦拿铁', price: 32, kind: 'drink' },
  { sku: 'C04', name: '生椰拿铁', price: 30, kind: 'drink' },
  { sku: 'C05', name: '澳白', price: 30, kind: 'drink' },
  { sku: 'C06', name: '冷萃咖啡', price: 26, kind: 'drink' },
  { sku: 'T01', name: '抹茶拿铁', price: 30, kind: 'drink' },
  { sku: 'T02', name: '桂花乌龙', price: 22, kind: 'drink' },
  { sku: 'T03', name: '柠檬红茶', price: 18, kind: 'drink' },
  { sku: 'B01', name: '黄油可颂', price: 16, kind: 'food' },
  { sku: 'B02', name: '肉桂卷', price: 18, kind: 'food' },
  { sku: 'B03', name: '火腿芝士三明治', price: 26, kind: 'food' },
  { sku: 'B04', name: '巴斯克芝士蛋糕', price: 32, kind: 'food' },
  { sku: 'R01', name: '挂耳咖啡礼盒（10 包）', price: 88, kind: 'retail' },
  { sku: 'R02', name: '意式拼配咖啡豆 250g', price: 98, kind: 'retail' },
  { sku: 'R03', name: '鱼塘随行杯', price: 129, kind: 'retail' },
  { sku: 'R04', name: '中秋咖啡月饼礼盒', price: 268, kind: 'retail' },
] as const;

export const REMARKS = ['老顾客', '爱喝拿铁', '燕麦奶', '周末常来', '公司团购', '宝妈', '学生', '附近上班', '生日在本月', '喜欢新品'];
/** Personal tags (个人标签) a guide gave a customer in the WeCom client, just for themselves. */
export const PERSONAL_TAGS = ['老客户', '爱喝拿铁', '少糖', '常点外卖', '会员日必来', '带娃', '要发票', '可约试饮'];

const SURNAMES = '王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾萧田董袁潘蒋蔡余杜叶程苏魏吕丁沈'.split('');
const GIVEN = ['伟', '芳', '娜', '敏', '静', '丽', '强', '磊', '洋', '艳', '勇', '军', '杰', '娟', '涛', '明', '超', '霞', '平', '刚', '晓燕', '婷婷', '子涵', '欣怡', '浩然', '宇轩', '梓萱', '诗涵', '一诺', '思远', '雨桐', '佳怡', '俊杰', '嘉怡', '文博'];
const NICKNAMES = [
  '小鱼儿', '阳光明媚', '追风少年', '岁月静好', '奶茶不加糖', '晴天', '一只猫', '慢慢来', '向日葵', '南风知我意', '半夏', '星星点灯',
  '柠檬草的味道', '大橙子', '咖啡控', '吃货小分队', '快乐每一天', '糖果', '暖暖', '木子李', '一路向北', '云淡风轻', '小确幸', '甜甜圈',
  'Lucky', 'Amy', 'Coco', 'Tony', 'Jason', 'Vivian', '宝妈日记', '健身达人', '摄影师阿杰', '旅行的意义', '周末去哪儿', '爱吃鱼的猫',
  '樱桃小丸子', '豆豆妈', '西瓜太郎', '拿铁先生', '早睡早起', '风吹麦浪', '听雨', '橘子汽水', 'momo', '鹿小姐', '山川', '小太阳',
];

export function pickNickname(rand: () => number): string {
  if (rand() < 0.5) return NICKNAMES[Math.floor(rand() * NICKNAMES.length)];
  return SURNAMES[Math.floor(rand() * SURNAMES.length)] + GIVEN[Math.floor(rand() * GIVEN.length)];
}

export function pickWeighted<T extends { weight: number }>(rand: () => number, list: T[]): T {
  const total = list.reduce((s, x) => s + x.weight, 0);
  let r = rand() * total;
  for (const x of list) if ((r -= x.weight) < 0) return x;
  return list[list.length - 1];
}
