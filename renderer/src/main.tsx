import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App.tsx';
import { createServices, setServices } from './services.ts';
import { useSession } from './stores/session.ts';
import './components/organize/selection-actions.tsx';
import './styles/base.css';
import './styles/app.css';
import './styles/organize.css';
import './styles/search.css';
import './styles/selection.css';

setServices(createServices(() => useSession.getState().unauthorized()));

const root = document.getElementById('root');
if (root) {
  createRoot(root).render(
    <StrictMode>
      <App />
    </StrictMode>,
  );
}
void useSession.getState().start();
