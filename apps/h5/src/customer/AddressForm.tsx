// The shipping address for a prize that is a gift: the winner gives it once (their own reward, from their WeChat
// session); the shop ships from there. Used wherever a page lists a customer's prizes.
import { useState } from 'preact/hooks';
import { capi } from './api';
import { toast } from '../ui';

export function AddressForm({ corpId, rewardId, onDone }: { corpId: string; rewardId: number; onDone: () => void }) {
  const [name, setName] = useState('');
  const [phone, setPhone] = useState('');
  const [address, setAddress] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  async function submit(e: Event) {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await capi('POST', corpId, `/rewards/${rewardId}/address`, { name: name.trim(), phone: phone.trim(), address: address.trim() });
      toast('已提交收货地址 Address saved');
      onDone();
    } catch (err) {
      setError((err as Error).message);
    } finally {
      setBusy(false);
    }
  }
  return (
    <form class="c-address" data-testid="address-form" onSubmit={(e) => void submit(e)}>
      <p class="c-muted">请填写收货地址 <span class="en">Where should we send it?</span></p>
      <input name="name" required maxLength={30} placeholder="收货人 Name" value={name} onInput={(e) => setName(e.currentTarget.value)} />
      <input name="phone" required type="tel" maxLength={20} placeholder="手机号 Phone" value={phone} onInput={(e) => setPhone(e.currentTarget.value)} />
      <textarea name="address" required maxLength={200} placeholder="详细地址 Address" value={address} onInput={(e) => setAddress(e.currentTarget.value)} />
      {error && <p class="l-refusal" data-testid="address-error">{error}</p>}
      <button class="c-btn" type="submit" disabled={busy || !name.trim() || !phone.trim() || !address.trim()}>提交 Save</button>
    </form>
  );
}
