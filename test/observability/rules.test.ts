import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { promtool } from './prometheus-server';
import { ALERT_RULE_TESTS, ALERT_RULES, PROMETHEUS_CONFIG, readAlertRules } from './rules-files';

interface RuleTestFile {
  tests: { alert_rule_test?: { alertname: string; exp_alerts?: unknown[] }[] }[];
}

const DOCS = path.resolve(__dirname, '../../docs/observability.md');

describe('observability/ alert rules', () => {
  it('when promtool checks the rules file, then every rule is valid', async () => {
    const result = await promtool('check', 'rules', ALERT_RULES);
    expect(result.exitCode, result.output).toBe(0);
    expect(result.output).toContain(`SUCCESS: ${readAlertRules().length} rules found`);
  });

  it('when promtool checks prometheus.yml, then it is valid and loads the rules file', async () => {
    const result = await promtool('check', 'config', PROMETHEUS_CONFIG);
    expect(result.exitCode, result.output).toBe(0);
    expect(result.output).toContain('SUCCESS: 1 rule files found');
  });

  it('when promtool runs the rule unit tests, then every case passes', async () => {
    const result = await promtool('test', 'rules', ALERT_RULE_TESTS);
    expect(result.exitCode, result.output).toBe(0);
    expect(result.output).toContain('SUCCESS');
  });

  it('when an alert is defined, then a unit test sees it fire', () => {
    const tests = (parse(readFileSync(ALERT_RULE_TESTS, 'utf8')) as RuleTestFile).tests;
    const seenFiring = new Set(
      tests.flatMap((test) => test.alert_rule_test ?? []).filter((check) => (check.exp_alerts ?? []).length > 0).map((check) => check.alertname),
    );
    expect(readAlertRules().map((rule) => rule.alert).filter((name) => !seenFiring.has(name))).toEqual([]);
  });

  it('when an alert links its runbook, then the docs have that section', () => {
    const anchors = new Set(
      readFileSync(DOCS, 'utf8')
        .split('\n')
        .filter((line) => line.startsWith('#'))
        .map((heading) => heading.replace(/^#+\s*/, '').toLowerCase().replace(/[^a-z0-9 -]/g, '').replace(/ /g, '-')),
    );
    for (const rule of readAlertRules()) {
      const runbook = rule.annotations?.runbook ?? '';
      expect(runbook, `${rule.alert} runbook`).toMatch(/^docs\/observability\.md#/);
      expect(anchors.has(runbook.split('#')[1] ?? ''), `${rule.alert}: ${runbook} has no heading`).toBe(true);
    }
  });
});
