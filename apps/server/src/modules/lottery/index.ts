// The public surface of the lottery module (抽奖): app.ts imports only this.
export { lotteryRoutes } from './routes';
export { DRAW_MESSAGES, LotteryService } from './service';
export { lotteryOrderListener } from './orders';
