import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { CHART_BACKGROUNDS, contenderColors, GC_MARK_COLORS, PALETTE } from '../harness/report/colors.js';
import { ciede2000, colourDifference, parseColour } from './support/colour-difference.js';

describe('the report palette', () => {
  it('keeps every pair of its twelve colours at least 24 CIEDE2000 apart', () => {
    assert.equal(PALETTE.length, 12);
    for (const [i, a] of PALETTE.entries()) {
      for (const b of PALETTE.slice(i + 1)) {
        const difference = ciede2000(parseColour(a), parseColour(b));
        assert.ok(difference >= 24, `${a} and ${b} are only ${difference.toFixed(1)} ΔE00 apart`);
      }
    }
  });

  it('keeps each colour at least 32 CIEDE2000 from the light and the dark backgrounds, and those are the stylesheet’s', () => {
    const css = readFileSync(new URL('../harness/report/assets/report.css', import.meta.url), 'utf8');
    for (const [scheme, backgrounds] of Object.entries(CHART_BACKGROUNDS)) {
      for (const background of backgrounds) {
        assert.ok(css.toLowerCase().includes(background), `${scheme}: ${background} is not in report.css`);
        for (const colour of PALETTE) {
          const difference = ciede2000(parseColour(colour), parseColour(background));
          assert.ok(difference >= 32, `${scheme}: ${colour} is only ${difference.toFixed(1)} ΔE00 from ${background}`);
        }
      }
    }
  });

  it('keeps each colour at least 30 CIE76 from every GC mark in both schemes', () => {
    for (const scheme of ['light', 'dark'] as const) {
      const panel = parseColour(CHART_BACKGROUNDS[scheme][0]);
      for (const [mark, value] of Object.entries(GC_MARK_COLORS[scheme])) {
        for (const colour of PALETTE) {
          const difference = colourDifference(parseColour(colour), parseColour(value, panel));
          assert.ok(difference >= 30, `${scheme}: ${colour} is only ${difference.toFixed(0)} ΔE from the ${mark} GC mark`);
        }
      }
    }
  });

  it('gives twelve contenders twelve different colours, and a contender the same colour in any report', () => {
    const names = Array.from({ length: 12 }, (_, i) => `contender-${i}`);
    const colours = contenderColors(names);
    assert.equal(new Set(colours.values()).size, 12);
    assert.equal(contenderColors(['naive-map', 'typed-array']).get('typed-array'), contenderColors(['typed-array']).get('typed-array'));
  });
});
