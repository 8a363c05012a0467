import { maskPhone, MaskedPhoneSchema } from './phone';

describe('maskPhone', () => {
  it('hides the middle four digits of a mainland number', () => {
    expect(maskPhone('13800138000')).toBe('138****8000');
    expect(MaskedPhoneSchema.parse(maskPhone('19912345678'))).toBe('199****5678');
  });

  it('leaves anything else as it is, so masking twice changes nothing', () => {
    expect(maskPhone('138****8000')).toBe('138****8000');
    expect(maskPhone('红包')).toBe('红包');
    expect(maskPhone('用户 (138****8000)')).toBe('用户 (138****8000)');
  });
});
