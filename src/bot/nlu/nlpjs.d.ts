// Minimal typings for the parts of NLP.js (which ships none) that the classifier uses.
declare module '@nlpjs/core' {
  export interface Container {
    use(plugin: unknown): void
    get(name: 'nlp'): import('@nlpjs/nlp').NlpInstance
  }
  export function containerBootstrap(): Promise<Container>
}
declare module '@nlpjs/nlp' {
  export interface NlpResult {
    intent: string
    score: number
    classifications: { intent: string; score: number }[]
  }
  export interface NlpInstance {
    settings: Record<string, unknown>
    addLanguage(locale: string): void
    addDocument(locale: string, utterance: string, intent: string): void
    train(): Promise<unknown>
    process(locale: string, utterance: string): Promise<NlpResult>
    /** The trained state as JSON text. */
    export(minified?: boolean): string
    /** Restores the state `export()` produced (text or parsed). */
    import(data: string | object): void
  }
  export const Nlp: unknown
}
declare module '@nlpjs/lang-en-min' {
  export const LangEn: unknown
}
