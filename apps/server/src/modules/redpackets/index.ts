// Planned red-packet rules (定时红包): the public surface.
export { redpacketRoutes } from './routes';
export { RedpacketService, REFUSALS as REDPACKET_REFUSALS } from './service';
export { currentOccurrence, nextOccurrence, packetAmount } from './rules';
