import { expect, test, type Page } from '@playwright/test';
import { openLessonTerminal, terminalText, typeCommand, waitForText } from './terminal-helpers';

test.setTimeout(240_000);

async function showNode(page: Page, node: string) {
  await page.getByRole('tab', { name: node, exact: true }).click();
  await expect(page.getByTestId('terminal-status')).toHaveAttribute('data-state', 'ready', { timeout: 60_000 });
  await page.getByTestId('terminal').click();
}

test('a three-node lab forms a swarm whose service spreads over all nodes and answers on each', async ({ page }) => {
  await openLessonTerminal(page, '/en/swarm/first-swarm');
  // One tab per node, and the editor of the node shown.
  await expect(page.getByRole('tab')).toHaveText(['node1', 'node2', 'node3', 'Editor (node1)']);

  await typeCommand(page, 'hostname; docker swarm init --advertise-addr $(hostname -i) >/dev/null && docker swarm join-token -q worker');
  await waitForText(page, /SWMTKN-\S+/);
  const token = /SWMTKN-\S+/.exec(await terminalText(page))![0];

  for (const node of ['node2', 'node3']) {
    await showNode(page, node);
    await typeCommand(page, `hostname; docker swarm join --token ${token} --advertise-addr $(hostname -i) node1:2377`);
    await waitForText(page, new RegExp(`^${node}$[\\s\\S]*This node joined a swarm as a worker`, 'm'), 60_000);
  }

  await showNode(page, 'node1');
  await typeCommand(page, 'docker service create -q --name web --replicas 3 --publish mode=host,target=80,published=8080 nginx >/dev/null; docker service ps web --format "task {{.Node}} {{.CurrentState}}" | sort');
  await waitForText(page, /task node1 Running[^\n]*\n\s*task node2 Running[^\n]*\n\s*task node3 Running/, 120_000);

  // The picture of a manager draws the swarm: each node with the task it runs.
  await page.getByTestId('docker-state-toggle').click();
  const picture = page.getByTestId('docker-state');
  for (const node of ['node1', 'node2', 'node3']) {
    const machine = picture.locator('li').filter({ has: page.locator(`[data-testid="node"][data-name="${node}"]`) });
    await expect(machine.locator('[data-testid="task"][data-name^="web."]')).toHaveText([/web\.\d running/], { timeout: 15_000 });
  }
  await page.getByTestId('terminal').click();

  // Every node answers for the service, seen from every node.
  for (const [index, node] of ['node1', 'node2', 'node3'].entries()) {
    await showNode(page, node);
    await typeCommand(page, `for n in node1 node2 node3; do curl -s -o /dev/null -w "%{http_code} " http://$n:8080; done; echo "from-${index + 1}"`);
    await waitForText(page, new RegExp(`200 200 200 from-${index + 1}`));
    // …and each node's terminal offers its own published port.
    await expect(page.getByTestId('preview-link').filter({ hasText: 'Open port 8080' })).toBeVisible({ timeout: 10_000 });
  }
});

test('a Run button of a node2 block types into node2’s tab', async ({ page }) => {
  await openLessonTerminal(page, '/en/swarm/first-swarm');
  const block = page.locator('[data-code-block]').filter({ has: page.locator('pre[data-node="2"]') }).first();
  await block.hover();
  await block.getByTestId('run-command').click();
  await expect(page.getByRole('tab', { name: 'node2', exact: true })).toHaveAttribute('aria-selected', 'true');
  // The block asks the machine its name: node2 answers.
  await expect(block.locator('pre')).toContainText('hostname');
  await waitForText(page, /^node2$/m, 60_000);
});
