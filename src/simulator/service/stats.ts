/** Counters behind `GET /__sim/stats`. */
export interface SimStats {
  routes: Record<string, number>
  auth: { authenticate: number; refresh: number; validate: number; logout: number }
  mutations: { taskStarts: number; cellWrites: number; listWrites: number }
  tasks: Record<string, number>
}

export function emptyStats(): SimStats {
  return {
    routes: {},
    auth: { authenticate: 0, refresh: 0, validate: 0, logout: 0 },
    mutations: { taskStarts: 0, cellWrites: 0, listWrites: 0 },
    tasks: {},
  }
}
