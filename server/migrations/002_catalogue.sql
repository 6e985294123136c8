-- Up Migration

-- The seed event catalogue: departments that handle cases, major classes (大类, 2 digits) and
-- minor classes (小类, 5 digits = major + 3), each with its time limits and closing condition (结案条件).
-- Defaults follow "两个三" (respond within 3 hours, resolve within 3 working days). Emergencies:
-- respond within 0.5 h, resolve within 24 h. Safety hazards reach the street within half a working
-- day. Information changes are recorded within 5 working days; newcomers within a month (22 working days).
-- Limits are defaults: every row can be changed by the administrators.

INSERT INTO department (code, name, name_en) VALUES
  ('CGJ', '城市管理局', 'Urban Management Bureau'),
  ('ZJJ', '住房和城乡建设局', 'Housing and Urban-Rural Development Bureau'),
  ('YJJ', '应急管理局', 'Emergency Management Bureau'),
  ('SJJ', '市场监督管理局', 'Market Supervision Administration'),
  ('GAJ', '公安分局', 'Public Security Sub-bureau'),
  ('RSJ', '人力资源和社会保障局', 'Human Resources and Social Security Bureau'),
  ('HBJ', '生态环境分局', 'Ecology and Environment Sub-bureau'),
  ('JTJ', '交通运输局', 'Transport Bureau'),
  ('SWJ', '水务管理局', 'Water Affairs Bureau'),
  ('WJJ', '卫生健康局', 'Health Bureau'),
  ('ZFJ', '综合行政执法局', 'Comprehensive Administrative Law Enforcement Bureau'),
  ('XFD', '消防救援大队', 'Fire and Rescue Brigade'),
  ('GDG', '供电公司', 'Power Supply Company'),
  ('RQG', '燃气公司', 'Gas Company'),
  ('SFJ', '司法局', 'Justice Bureau'),
  ('JDB', '街道办事处', 'Street Office'),
  ('XFJ', '信访局', 'Letters and Calls Bureau');

INSERT INTO category_major (code, name, name_en) VALUES
  ('01', '市容环境', 'City appearance and environment'),
  ('02', '街面秩序', 'Street order'),
  ('03', '施工管理', 'Construction management'),
  ('04', '突发事件', 'Emergencies'),
  ('05', '公共设施', 'Public facilities'),
  ('06', '安全隐患', 'Safety hazards'),
  ('07', '矛盾纠纷', 'Disputes'),
  ('08', '食品安全', 'Food safety'),
  ('09', '劳动保障', 'Labour protection'),
  ('10', '出租房屋与流动人口', 'Rental housing and floating population'),
  ('11', '生态环境', 'Ecological environment');

INSERT INTO category (code, major_code, name, name_en, department_code, respond_limit, respond_unit, resolve_limit, resolve_unit, red_factor, warn_ratio, closing_condition) VALUES
  ('01001', '01', '暴露垃圾', 'Exposed rubbish', 'CGJ', 3, 'hours', 3, 'working_days', 1, 0.8, '垃圾已清运完毕，现场无遗留，上传处置前后对比照片'),
  ('01002', '01', '乱堆物料', 'Materials piled in public space', 'CGJ', 3, 'hours', 3, 'working_days', 1, 0.8, '堆放物料已清理或移入规定区域，现场恢复整洁'),
  ('01003', '01', '占道经营', 'Street vending on the roadway', 'ZFJ', 3, 'hours', 3, 'working_days', 1, 0.8, '占道摊点已劝离或依法处理，道路通行恢复'),
  ('01004', '01', '乱贴乱画', 'Illegal posters and graffiti', 'CGJ', 3, 'hours', 3, 'working_days', 1, 0.8, '小广告及涂写已清除，墙面恢复原貌'),
  ('01005', '01', '垃圾满溢', 'Overflowing rubbish bins', 'CGJ', 2, 'hours', 0.5, 'working_days', 1, 0.8, '垃圾桶已清运，周边地面清扫干净'),
  ('01006', '01', '道路不洁', 'Dirty road surface', 'CGJ', 3, 'hours', 3, 'working_days', 1, 0.8, '路面已清扫保洁，无明显污渍和杂物'),
  ('01007', '01', '违规户外广告', 'Unauthorised outdoor advertising', 'CGJ', 3, 'hours', 5, 'working_days', 1, 0.8, '违规广告牌已拆除或补办审批手续'),
  ('01008', '01', '绿地损毁', 'Damaged green space', 'CGJ', 3, 'hours', 3, 'working_days', 1, 0.8, '受损绿地已补植恢复，破坏行为已制止'),
  ('01009', '01', '乱倒建筑垃圾', 'Illegal dumping of construction waste', 'ZFJ', 3, 'hours', 3, 'working_days', 1, 0.8, '建筑垃圾已清运，倾倒责任人已查处'),
  ('02001', '02', '违规停车', 'Illegal parking', 'GAJ', 2, 'hours', 0.5, 'working_days', 1, 0.8, '违停车辆已驶离或依法处理，通道畅通'),
  ('02002', '02', '流浪乞讨', 'Vagrancy and begging', 'JDB', 3, 'hours', 3, 'working_days', 1, 0.8, '相关人员已劝导并移交救助机构'),
  ('02003', '02', '店外经营', 'Business spilling out of shop fronts', 'ZFJ', 3, 'hours', 3, 'working_days', 1, 0.8, '店外经营已归店，人行道恢复通行'),
  ('02004', '02', '共享单车乱停放', 'Dockless bicycles parked in disorder', 'JTJ', 3, 'hours', 3, 'working_days', 1, 0.8, '车辆已清理归位，运营企业已督促整改'),
  ('02005', '02', '非法营运', 'Unlicensed passenger transport', 'JTJ', 3, 'hours', 3, 'working_days', 1, 0.8, '非法营运车辆已查处'),
  ('03001', '03', '违法建设', 'Illegal construction', 'ZFJ', 3, 'hours', 5, 'working_days', 1, 0.8, '违法建设已停工并拆除，或已依法立案查处'),
  ('03002', '03', '施工扰民', 'Construction disturbing residents', 'ZJJ', 3, 'hours', 3, 'working_days', 1, 0.8, '施工单位已整改，夜间施工已停止或取得许可'),
  ('03003', '03', '工地扬尘', 'Dust from construction sites', 'ZJJ', 3, 'hours', 3, 'working_days', 1, 0.8, '工地已落实覆盖、洒水等防尘措施'),
  ('03004', '03', '道路遗撒', 'Spillage from construction vehicles', 'CGJ', 2, 'hours', 0.5, 'working_days', 1, 0.8, '遗撒物已清理，责任车辆已查处'),
  ('03005', '03', '违规占道施工', 'Unauthorised roadworks', 'CGJ', 3, 'hours', 3, 'working_days', 1, 0.8, '占道施工已停止或补办手续，道路恢复通行'),
  ('03006', '03', '私搭乱建', 'Unauthorised sheds and structures', 'ZFJ', 3, 'hours', 5, 'working_days', 1, 0.8, '私搭乱建已拆除，现场恢复原状'),
  ('04001', '04', '火情', 'Fire', 'XFD', 0.5, 'hours', 24, 'hours', 1, 0.5, '明火已扑灭，现场无复燃风险，人员已妥善安置'),
  ('04002', '04', '燃气泄漏', 'Gas leak', 'RQG', 0.5, 'hours', 24, 'hours', 1, 0.5, '泄漏点已关阀封堵，检测无残留燃气'),
  ('04003', '04', '道路塌陷', 'Road collapse', 'CGJ', 0.5, 'hours', 24, 'hours', 1, 0.5, '塌陷区域已围挡并完成回填修复，道路恢复通行'),
  ('04004', '04', '积水内涝', 'Waterlogging', 'SWJ', 0.5, 'hours', 24, 'hours', 1, 0.5, '积水已排除，排水设施恢复正常'),
  ('04005', '04', '供水管道爆裂', 'Burst water main', 'SWJ', 0.5, 'hours', 24, 'hours', 1, 0.5, '管道已抢修，供水恢复'),
  ('04006', '04', '大面积停电', 'Widespread power outage', 'GDG', 0.5, 'hours', 24, 'hours', 1, 0.5, '供电已恢复'),
  ('04007', '04', '交通事故', 'Traffic accident', 'GAJ', 0.5, 'hours', 24, 'hours', 1, 0.5, '现场已处置完毕，伤员已救治，交通恢复'),
  ('04008', '04', '群体性事件', 'Mass gathering incident', 'GAJ', 0.5, 'hours', 24, 'hours', 1, 0.5, '现场秩序已恢复，诉求已登记并移交责任单位'),
  ('04009', '04', '房屋倒塌', 'Building collapse', 'YJJ', 0.5, 'hours', 24, 'hours', 1, 0.5, '人员已搜救安置，现场已封控并排除次生危险'),
  ('05001', '05', '井盖缺失', 'Missing manhole cover', 'CGJ', 1, 'hours', 0.5, 'working_days', 1, 0.8, '井盖已补装到位，周边无安全隐患'),
  ('05002', '05', '路灯损坏', 'Broken street light', 'CGJ', 3, 'hours', 3, 'working_days', 1, 0.8, '路灯已修复并正常亮灯'),
  ('05003', '05', '道路破损', 'Damaged road surface', 'CGJ', 3, 'hours', 3, 'working_days', 1, 0.8, '破损路面已修补平整'),
  ('05004', '05', '交通信号灯故障', 'Traffic signal fault', 'GAJ', 1, 'hours', 0.5, 'working_days', 1, 0.8, '信号灯已修复并正常运行'),
  ('05005', '05', '公厕设施损坏', 'Damaged public toilet', 'CGJ', 3, 'hours', 3, 'working_days', 1, 0.8, '公厕设施已维修，恢复正常使用'),
  ('05006', '05', '健身器材损坏', 'Damaged fitness equipment', 'JDB', 3, 'hours', 3, 'working_days', 1, 0.8, '器材已维修或拆除，无安全隐患'),
  ('05007', '05', '护栏损坏', 'Damaged railings', 'CGJ', 3, 'hours', 3, 'working_days', 1, 0.8, '护栏已修复或更换'),
  ('06001', '06', '消防通道堵塞', 'Blocked fire lane', 'XFD', 2, 'hours', 0.5, 'working_days', 1, 0.8, '堵塞物已清除，消防通道畅通'),
  ('06002', '06', '危化品违规存放', 'Hazardous chemicals stored illegally', 'YJJ', 1, 'hours', 1, 'working_days', 1, 0.8, '危化品已转移至合规场所或依法处置'),
  ('06003', '06', '电动车违规充电', 'Electric bicycles charged indoors or in corridors', 'XFD', 2, 'hours', 0.5, 'working_days', 1, 0.8, '违规充电已制止，飞线已拆除'),
  ('06004', '06', '高空坠物隐患', 'Risk of falling objects', 'ZJJ', 2, 'hours', 0.5, 'working_days', 1, 0.8, '隐患物已加固或拆除，危险区域已解除围挡'),
  ('06005', '06', '私拉乱接电线', 'Illegal wiring', 'GDG', 2, 'hours', 0.5, 'working_days', 1, 0.8, '私拉电线已拆除，用电恢复规范'),
  ('06006', '06', '燃气使用隐患', 'Unsafe use of gas', 'RQG', 2, 'hours', 0.5, 'working_days', 1, 0.8, '燃气设施已整改，经检查合格'),
  ('06007', '06', '房屋安全隐患', 'Unsafe building', 'ZJJ', 2, 'hours', 3, 'working_days', 1, 0.8, '房屋已鉴定并采取加固或撤离措施'),
  ('06008', '06', '电梯故障困人', 'Lift failure with people trapped', 'SJJ', 0.5, 'hours', 24, 'hours', 1, 0.5, '被困人员已解救，电梯经检修恢复运行或停用待修'),
  ('06009', '06', '医疗废物违规处置', 'Medical waste disposed of improperly', 'WJJ', 2, 'hours', 0.5, 'working_days', 1, 0.8, '医疗废物已按规定收集转运，责任单位已依法处理'),
  ('07001', '07', '邻里纠纷', 'Dispute between neighbours', 'SFJ', 3, 'hours', 3, 'working_days', 1, 0.8, '双方已达成调解协议或已引导通过法律途径解决'),
  ('07002', '07', '物业纠纷', 'Property-management dispute', 'ZJJ', 3, 'hours', 3, 'working_days', 1, 0.8, '物业与业主已协商解决，或已移交行业主管部门'),
  ('07003', '07', '家庭纠纷', 'Family dispute', 'SFJ', 3, 'hours', 3, 'working_days', 1, 0.8, '纠纷已调解，无激化风险'),
  ('07004', '07', '征地拆迁纠纷', 'Land acquisition and demolition dispute', 'XFJ', 3, 'hours', 5, 'working_days', 1, 0.8, '诉求已受理答复，当事人已知晓处理结果'),
  ('07005', '07', '消费纠纷', 'Consumer dispute', 'SJJ', 3, 'hours', 3, 'working_days', 1, 0.8, '消费者与经营者已和解或已依法处理'),
  ('08001', '08', '无证经营食品', 'Unlicensed food business', 'SJJ', 3, 'hours', 3, 'working_days', 1, 0.8, '经营者已取得许可或已依法取缔'),
  ('08002', '08', '过期变质食品', 'Expired or spoiled food on sale', 'SJJ', 2, 'hours', 1, 'working_days', 1, 0.8, '问题食品已下架封存，经营者已依法处理'),
  ('08003', '08', '餐饮卫生不达标', 'Poor hygiene in catering', 'SJJ', 3, 'hours', 3, 'working_days', 1, 0.8, '经营场所已整改并复查合格'),
  ('08004', '08', '校园周边食品安全', 'Food safety around schools', 'SJJ', 3, 'hours', 3, 'working_days', 1, 0.8, '校园周边问题摊点已整治，复查合格'),
  ('09001', '09', '拖欠工资', 'Unpaid wages', 'RSJ', 3, 'hours', 3, 'working_days', 1, 0.8, '工资已足额支付，或已立案移交劳动监察'),
  ('09002', '09', '未签劳动合同', 'No written labour contract', 'RSJ', 3, 'hours', 5, 'working_days', 1, 0.8, '用人单位已补签劳动合同'),
  ('09003', '09', '非法用工', 'Illegal employment', 'RSJ', 2, 'hours', 1, 'working_days', 1, 0.8, '违法用工已制止，涉事单位已依法处理'),
  ('09004', '09', '未缴社会保险', 'Social insurance not paid', 'RSJ', 3, 'hours', 5, 'working_days', 1, 0.8, '用人单位已补缴社会保险或已立案查处'),
  ('10001', '10', '流动人口未登记', 'Floating population not registered', 'GAJ', 0.5, 'working_days', 5, 'working_days', 1, 0.8, '流动人口信息已登记录入系统'),
  ('10002', '10', '出租房屋未登记', 'Rental housing not registered', 'GAJ', 0.5, 'working_days', 5, 'working_days', 1, 0.8, '出租房屋信息已登记，租赁双方信息完整'),
  ('10003', '10', '人口信息变更', 'Change of resident information', 'JDB', 0.5, 'working_days', 5, 'working_days', 1, 0.8, '人口信息已核实并更新'),
  ('10004', '10', '新迁入人员登记', 'Registration of newcomers', 'JDB', 0.5, 'working_days', 22, 'working_days', 1, 0.8, '新迁入人员信息已核实登记（一个月内）'),
  ('10005', '10', '群租房隐患', 'Overcrowded rental housing', 'ZJJ', 3, 'hours', 3, 'working_days', 1, 0.8, '群租问题已整改，居住人数符合规定'),
  ('11001', '11', '污水直排', 'Sewage discharged directly', 'HBJ', 3, 'hours', 3, 'working_days', 1, 0.8, '直排口已封堵或接入管网，水质复查正常'),
  ('11002', '11', '餐饮油烟污染', 'Cooking fumes from restaurants', 'HBJ', 3, 'hours', 3, 'working_days', 1, 0.8, '油烟净化设施已安装并正常运行'),
  ('11003', '11', '露天焚烧', 'Open burning', 'HBJ', 1, 'hours', 0.5, 'working_days', 1, 0.8, '焚烧已制止，残留物已清理'),
  ('11004', '11', '社会生活噪声', 'Neighbourhood noise', 'GAJ', 2, 'hours', 0.5, 'working_days', 1, 0.8, '噪声源已制止，噪声不再扰民'),
  ('11005', '11', '工业废气排放', 'Industrial exhaust emissions', 'HBJ', 3, 'hours', 3, 'working_days', 1, 0.8, '企业已整改，排放监测达标');

-- Down Migration
DELETE FROM category WHERE code IN (
  '01001', '01002', '01003', '01004', '01005', '01006', '01007', '01008', '01009', '02001',
  '02002', '02003', '02004', '02005', '03001', '03002', '03003', '03004', '03005', '03006',
  '04001', '04002', '04003', '04004', '04005', '04006', '04007', '04008', '04009', '05001',
  '05002', '05003', '05004', '05005', '05006', '05007', '06001', '06002', '06003', '06004',
  '06005', '06006', '06007', '06008', '06009', '07001', '07002', '07003', '07004', '07005',
  '08001', '08002', '08003', '08004', '09001', '09002', '09003', '09004', '10001', '10002',
  '10003', '10004', '10005', '11001', '11002', '11003', '11004', '11005'
);
DELETE FROM category_major WHERE code IN ('01', '02', '03', '04', '05', '06', '07', '08', '09', '10', '11');
DELETE FROM department WHERE code IN ('CGJ', 'ZJJ', 'YJJ', 'SJJ', 'GAJ', 'RSJ', 'HBJ', 'JTJ', 'SWJ', 'WJJ', 'ZFJ', 'XFD', 'GDG', 'RQG', 'SFJ', 'JDB', 'XFJ');
