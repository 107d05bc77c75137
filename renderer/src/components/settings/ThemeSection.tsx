import { useSettings, type Theme } from '../../stores/settings.ts';

const THEMES: { value: Theme; label: string }[] = [
  { value: 'system', label: 'Match my system' },
  { value: 'light', label: 'Light' },
  { value: 'dark', label: 'Dark' },
];

/** Light, dark, or as the system says. */
export function ThemeSection() {
  const theme = useSettings((s) => s.settings?.theme ?? 'system');
  const setTheme = useSettings((s) => s.setTheme);
  return (
    <fieldset className="settings-card">
      <legend>Appearance</legend>
      <div className="radio-row">
        {THEMES.map((t) => (
          <label key={t.value} className="radio">
            <input type="radio" name="theme" value={t.value} checked={theme === t.value} onChange={() => void setTheme(t.value)} />
            <span>{t.label}</span>
          </label>
        ))}
      </div>
    </fieldset>
  );
}
