import { Nlu } from './src/bot/nlu/nlu.ts'
import { demoVocabulary } from './src/bot/nlu/demo-vocabulary.ts'
const nlu = new Nlu()
for (const t of ['list actions', 'list all actions', 'show the delete actions', 'what actions are there'])
  console.log(t, JSON.stringify(await (nlu as any).understand(t, demoVocabulary?.() ?? demoVocabulary)))
