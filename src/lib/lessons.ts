/** Lessons in outline order, with the checks the zod schema cannot do per file. */
import { getCollection, type CollectionEntry } from 'astro:content';

export type Lesson = CollectionEntry<'lessons'>;

let cache: Promise<Lesson[]> | undefined;

export function getLessons(): Promise<Lesson[]> {
  cache ??= (async () => {
    const all = await getCollection('lessons');
    const byOrder = new Map<number, Lesson>();
    for (const l of all) {
      const other = byOrder.get(l.data.order);
      if (other)
        throw new Error(
          `Lessons ${other.filePath ?? other.id} and ${l.filePath ?? l.id} both have order ${l.data.order}; order must be unique.`,
        );
      byOrder.set(l.data.order, l);
    }
    return all.sort((a, b) => a.data.order - b.data.order);
  })();
  return cache;
}

/** Site-relative URL that respects the base path (BASE_PATH=/course/ → "/course/lessons/x/"). */
export function url(path = ''): string {
  const base = import.meta.env.BASE_URL.replace(/\/?$/, '/');
  return base + path.replace(/^\//, '');
}

export const lessonUrl = (slug: string) => url(`lessons/${slug}/`);

export const totalMinutes = (lessons: Lesson[]) => lessons.reduce((s, l) => s + l.data.minutes, 0);

export function formatMinutes(min: number): string {
  if (min < 60) return `${min} min`;
  const h = Math.floor(min / 60);
  const m = min % 60;
  return m ? `${h} h ${m} min` : `${h} h`;
}

/** The lesson for a quiz question's `lesson` field: a lesson slug, or a seed section a lesson covers. */
export function lessonFor(lessons: Lesson[], ref: string): Lesson | undefined {
  return lessons.find((l) => l.id === ref) ?? lessons.find((l) => (l.data.seedSections as string[]).includes(ref));
}
