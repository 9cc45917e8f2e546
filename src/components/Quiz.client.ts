/**
 * Client behaviour of <Quiz>: grade each question on "Check answer", explain every choice, announce
 * the result (aria-live), keep answers + score in progress.ts and restore them on the next visit.
 * The markup (Quiz.astro) is complete without this script; it only adds interaction.
 */
import { subscribe } from '../browser/progress';
import { getQuiz, setQuiz } from '../browser/progress-records';

type Outcome = { ok: boolean; message: string };

function choicesOf(q: HTMLElement) {
  return [...q.querySelectorAll<HTMLLIElement>('.quiz-choice')].map((li) => ({
    li,
    input: li.querySelector('input')!,
    correct: li.dataset.correct === 'true',
    verdict: li.querySelector<HTMLElement>('.quiz-verdict')!,
    expl: li.querySelector<HTMLElement>('.quiz-choice-expl')!,
  }));
}

function grade(q: HTMLElement, selected: string[]): Outcome {
  const choices = choicesOf(q);
  const right = choices.filter((c) => c.correct).length;
  const hits = choices.filter((c) => c.correct && selected.includes(c.input.value)).length;
  const wrong = choices.filter((c) => !c.correct && selected.includes(c.input.value)).length;
  const ok = hits === right && wrong === 0;
  if (ok) return { ok, message: 'Correct.' };
  if (q.dataset.kind === 'single') return { ok, message: 'Not quite. The explanations under each answer say why.' };
  const parts = [`you chose ${hits} of the ${right} right answers`];
  if (wrong) parts.push(`${wrong} wrong one${wrong > 1 ? 's' : ''}`);
  return { ok, message: `Not quite: ${parts.join(' and ')}. The explanations under each answer say why.` };
}

function show(q: HTMLElement, selected: string[]): Outcome {
  const outcome = grade(q, selected);
  for (const c of choicesOf(q)) {
    const chosen = selected.includes(c.input.value);
    c.input.checked = chosen;
    c.input.disabled = true;
    const result = c.correct ? (chosen ? 'right' : 'missed') : chosen ? 'wrong' : '';
    if (result) c.li.dataset.result = result;
    else delete c.li.dataset.result;
    c.verdict.textContent =
      result === 'right' ? '✓ right' : result === 'wrong' ? '✗ wrong'
      : result === 'missed' ? (q.dataset.kind === 'single' ? '✓ the right answer' : '✓ also right (missed)') : '';
    c.expl.hidden = false;
  }
  const fb = q.querySelector<HTMLElement>('.quiz-feedback')!;
  fb.textContent = outcome.message;
  fb.dataset.ok = String(outcome.ok);
  q.querySelector<HTMLElement>('.quiz-takeaway')!.hidden = false;
  q.querySelector<HTMLElement>('[data-check]')!.hidden = true;
  q.querySelector<HTMLElement>('[data-retry]')!.hidden = false;
  q.dataset.state = outcome.ok ? 'right' : 'wrong';
  return outcome;
}

function reset(q: HTMLElement): void {
  for (const c of choicesOf(q)) {
    c.input.checked = false;
    c.input.disabled = false;
    delete c.li.dataset.result;
    c.verdict.textContent = '';
    c.expl.hidden = true;
  }
  const fb = q.querySelector<HTMLElement>('.quiz-feedback')!;
  fb.textContent = '';
  delete fb.dataset.ok;
  q.querySelector<HTMLElement>('.quiz-takeaway')!.hidden = true;
  q.querySelector<HTMLElement>('[data-check]')!.hidden = false;
  q.querySelector<HTMLElement>('[data-retry]')!.hidden = true;
  delete q.dataset.state;
}

function initQuiz(root: HTMLElement): void {
  const quizId = root.dataset.quizId!;
  const questions = [...root.querySelectorAll<HTMLElement>('.quiz-q')];
  const scoreEl = root.querySelector<HTMLElement>('[data-quiz-score]')!;
  for (const el of root.querySelectorAll<HTMLElement>('.js-only, .quiz-actions')) el.hidden = false;

  const renderScore = () => {
    const answered = questions.filter((q) => q.dataset.state).length;
    const right = questions.filter((q) => q.dataset.state === 'right').length;
    scoreEl.textContent = answered
      ? `Score: ${right} of ${questions.length} correct` + (answered < questions.length ? ` (${answered} answered so far).` : '.')
      : '';
  };
  const save = () => {
    const answers: Record<string, string[]> = {};
    for (const q of questions) {
      if (q.dataset.state) answers[q.dataset.qid!] = choicesOf(q).filter((c) => c.input.checked).map((c) => c.input.value);
    }
    setQuiz(quizId, { answers, score: questions.filter((q) => q.dataset.state === 'right').length });
  };
  const restore = () => {
    const saved = getQuiz(quizId);
    for (const q of questions) {
      const a = saved?.answers[q.dataset.qid!];
      if (a) show(q, a);
      else if (q.dataset.state) reset(q);
    }
    renderScore();
  };

  root.addEventListener('click', (ev) => {
    const btn = (ev.target as Element).closest('button');
    const q = btn?.closest<HTMLElement>('.quiz-q');
    if (!btn || !q) return;
    if (btn.hasAttribute('data-check')) {
      const selected = choicesOf(q).filter((c) => c.input.checked).map((c) => c.input.value);
      const fb = q.querySelector<HTMLElement>('.quiz-feedback')!;
      if (selected.length === 0) {
        fb.textContent = q.dataset.kind === 'single' ? 'Choose an answer first.' : 'Choose at least one answer first.';
        fb.dataset.ok = 'false';
        return;
      }
      show(q, selected);
      save();
      renderScore();
      q.querySelector<HTMLElement>('[data-retry]')!.focus();
    } else if (btn.hasAttribute('data-retry')) {
      reset(q);
      save();
      renderScore();
      choicesOf(q)[0]?.input.focus();
    }
  });
  restore();
  // Another tab (or an import) changed the stored answers: show them.
  subscribe(() => {
    const saved = JSON.stringify(getQuiz(quizId)?.answers ?? {});
    const shown: Record<string, string[]> = {};
    for (const q of questions)
      if (q.dataset.state) shown[q.dataset.qid!] = choicesOf(q).filter((c) => c.input.checked).map((c) => c.input.value);
    if (saved !== JSON.stringify(shown)) restore();
  });
}

export function initQuizzes(): void {
  for (const root of document.querySelectorAll<HTMLElement>('.quiz[data-quiz-id]')) initQuiz(root);
}
