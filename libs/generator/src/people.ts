import { withCheckDigit } from '@sunlight/common';
import { Random } from './random.js';

const SURNAMES = '王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤';
const GIVEN = '伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英华玉兰建国志强海燕德明晓东俊杰国庆子涵文博欣怡浩然梓萱雨轩';

export interface Person {
  idNumber: string;
  name: string;
  birthDate: string;
  /** County code of birth registration (the ID's first six digits). */
  county: string;
}

/** A resident with a valid ID number (GB 11643 check digit) born in [fromYear, toYear]. */
export function person(random: Random, county: string, fromYear: number, toYear: number, sequence: number): Person {
  const year = random.int(fromYear, toYear);
  const month = random.int(1, 12);
  const day = random.int(1, 28);
  const birthDate = `${year}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
  const order = String(sequence % 1000).padStart(3, '0');
  const idNumber = withCheckDigit(`${county}${birthDate.replace(/-/g, '')}${order}`);
  const name = random.pick([...SURNAMES]) + random.pick([...GIVEN]) + (random.chance(0.5) ? random.pick([...GIVEN]) : '');
  return { idNumber, name, birthDate, county };
}
