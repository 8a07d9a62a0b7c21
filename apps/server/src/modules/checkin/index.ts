// The public surface of the check-in module (签到 / 打卡挑战): app.ts imports only this.
export { checkinRoutes } from './routes';
export { CheckinService, configOf } from './service';
export { currentStreak, dayStats, isBroken, isComplete, makeupDays } from './streak';
