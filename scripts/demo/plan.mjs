// The demo fleet: the simulator's scenarios (scripts/simulate/fleet.mjs) laid out so that an
// analyst has something to explore in a few seconds — two farm houses of new hires at one
// facilitator's address (one driven over AnyDesk from a published Astrill exit, one through an
// IP-KVM on each laptop; a third AnyDesk house from the other Astrill exit in a larger fleet), a
// single KVM-driven laptop, laptops re-shipped abroad, travellers on consumer VPNs (some with
// colleagues in one hotel), the helpdesk's laptops with TeamViewer, couples, ordinary homes.
//
// Every farm house links its laptops with evidence that needs no days: the operator's AnyDesk id
// and address (remote_peer_id, remote_peer_ip), or laptops at one place that are each high-risk on
// their own (an IP-KVM each). TeamViewer is the company's own tool: every demo agent is told so
// (its policy, as IT deploys the agent with --sanctioned teamviewer), and no technician session is
// simulated: a collector started without --sanctioned (npm start's) would link the laptops one
// technician drives.
import { planFleet } from '../simulate/fleet.mjs';

export const MIN_LAPTOPS = 20;
export const MAX_LAPTOPS = 2000;

/** The demo fleet of `laptops` (MIN_LAPTOPS or more) for `seed`; deterministic. */
export function planDemoFleet({ laptops, seed = 7 }) {
  if (!Number.isInteger(laptops) || laptops < MIN_LAPTOPS || laptops > MAX_LAPTOPS) {
    throw new Error(`the demo fleet needs ${MIN_LAPTOPS} to ${MAX_LAPTOPS} laptops, not ${laptops}`);
  }
  const big = laptops >= 100;
  const houses = [
    { laptops: big ? 5 : 4, operator: 'astrill' },
    { laptops: big ? 4 : 3, kvm: true },
    ...(big ? [{ laptops: 3, operator: 'astrill' }] : []),
  ];
  const share = (x, min) => Math.max(min, Math.round(laptops * x));
  const counts = { kvm: 1, reshipped: big ? 2 : 1, traveller: share(0.08, 2), helpdesk: share(0.06, 2), couple: 2 * Math.max(1, Math.round(laptops * 0.03)) };
  return planFleet({ agents: laptops, seed, houses, counts, helpdeskSessions: false, agentSanctioned: ['teamviewer'], serialPrefix: 'DEMO' });
}
