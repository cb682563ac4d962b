import { describe, it, expect } from 'vitest';
import { parseJUnitReport } from '../../../src/acceptance/junit-report.js';

describe('parseJUnitReport', () => {
  it('counts testcases under a <testsuites> root', () => {
    const xml = `<?xml version="1.0" encoding="UTF-8"?>
      <testsuites name="all" tests="99" failures="99">
        <testsuite name="a">
          <testcase name="ok"/>
          <testcase name="fails"><failure message="boom">trace &lt;here&gt;</failure></testcase>
          <testcase name="skipped"><skipped message="n/a"/></testcase>
        </testsuite>
        <testsuite name="b">
          <testcase name="errors"><error type="IOError"/></testcase>
          <testcase name="ok2"><system-out><![CDATA[<failure> in output is not a failure]]></system-out></testcase>
        </testsuite>
      </testsuites>`;
    expect(parseJUnitReport(xml)).toEqual({
      total: 5,
      passed: 2,
      failures: 1,
      errors: 1,
      skipped: 1,
    });
  });

  it('counts a bare <testsuite> root, ignoring its attributes when testcases exist', () => {
    const xml = `<testsuite name="s" tests="10" failures="3">
        <testcase name="a"/><testcase name="b"></testcase>
      </testsuite>`;
    expect(parseJUnitReport(xml)).toEqual({
      total: 2,
      passed: 2,
      failures: 0,
      errors: 0,
      skipped: 0,
    });
  });

  it('uses suite attributes when a suite has no testcase elements', () => {
    expect(
      parseJUnitReport('<testsuite name="s" tests="12" failures="1" errors="2" skipped="3"/>'),
    ).toEqual({ total: 12, passed: 6, failures: 1, errors: 2, skipped: 3 });
    expect(
      parseJUnitReport(`<testsuites>
          <testsuite tests="4" failures="0" errors="0"/>
          <testsuite tests="2" failures="2"></testsuite>
          <testsuite><testcase/></testsuite>
        </testsuites>`),
    ).toEqual({ total: 7, passed: 5, failures: 2, errors: 0, skipped: 0 });
  });

  it('uses <testsuites> attributes when it has no suites', () => {
    expect(parseJUnitReport('<testsuites tests="3" failures="1"/>')).toEqual({
      total: 3,
      passed: 2,
      failures: 1,
      errors: 0,
      skipped: 0,
    });
  });

  it('never reports negative or non-numeric attribute counts', () => {
    expect(parseJUnitReport('<testsuite tests="1" failures="3" errors="x" skipped="-2"/>')).toEqual(
      { total: 1, passed: 0, failures: 3, errors: 0, skipped: 0 },
    );
  });

  it('sums nested suites without double counting parents', () => {
    const xml = `<testsuites>
        <testsuite name="outer" tests="3" failures="1">
          <testcase name="direct"/>
          <testsuite name="inner" tests="2" failures="1">
            <testcase name="i1"/>
            <testcase name="i2"><failure/></testcase>
          </testsuite>
        </testsuite>
        <testsuite name="attrs-only-parent">
          <testsuite name="leaf" tests="5" errors="1" skipped="1"/>
        </testsuite>
      </testsuites>`;
    expect(parseJUnitReport(xml)).toEqual({
      total: 8,
      passed: 5,
      failures: 1,
      errors: 1,
      skipped: 1,
    });
  });

  it('accepts namespace prefixes', () => {
    expect(
      parseJUnitReport(
        '<j:testsuite xmlns:j="urn:x"><j:testcase><j:failure/></j:testcase></j:testsuite>',
      ),
    ).toEqual({ total: 1, passed: 0, failures: 1, errors: 0, skipped: 0 });
  });

  it('returns an empty count for an empty suite', () => {
    expect(parseJUnitReport('<testsuites></testsuites>')).toEqual({
      total: 0,
      passed: 0,
      failures: 0,
      errors: 0,
      skipped: 0,
    });
  });

  it('does not expand entities declared in a DOCTYPE', () => {
    const xml = `<!DOCTYPE t [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>
      <testsuite><testcase name="&b;"/></testsuite>`;
    expect(parseJUnitReport(xml)?.total).toBe(1);
  });

  it.each([
    ['empty text', ''],
    ['plain text', 'not xml at all'],
    ['truncated XML', '<testsuites><testsuite><testcase name="a">'],
    ['mismatched tags', '<testsuite><testcase></testsuite></testcase>'],
    ['another root element', '<project><testsuite><testcase/></testsuite></project>'],
    ['JSON', '{"tests": 3, "failures": 0}'],
    ['HTML', '<html><body>report</body></html>'],
  ])('returns null for %s', (_name, xml) => {
    expect(parseJUnitReport(xml)).toBeNull();
  });
});
