import { describe, expect, it } from 'vitest';
import { MISSING } from './hardware-format';
import { celsiusTo, formatTemperature, temperatureLevel } from './temperature';

describe('temperature', () => {
  it('formats in the unit the user picked', () => {
    expect(formatTemperature(72.4, 'C')).toBe('72 °C');
    expect(formatTemperature(100, 'F')).toBe('212 °F');
    expect(formatTemperature(0, 'F')).toBe('32 °F');
    expect(formatTemperature(null, 'F')).toBe(MISSING);
    expect(celsiusTo('F', -40)).toBe(-40);
  });

  it('grades a reading', () => {
    expect(temperatureLevel(45)).toBe('cool');
    expect(temperatureLevel(70)).toBe('warm');
    expect(temperatureLevel(83)).toBe('hot');
    expect(temperatureLevel(null)).toBeNull();
  });
});
