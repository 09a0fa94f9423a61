/** Sunlight's one time zone: calendar days, deadlines and the console's clock are read here. */
export const TIME_ZONE = 'Asia/Shanghai';
