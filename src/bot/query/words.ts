/**
 * Generic English the question parser knows: measure synonyms (matched against the catalog's own
 * names, never tied to one model), version abbreviations, and the words that carry no name, so a
 * word left over after matching can be told apart from a name the model does not have.
 */

/**
 * Everyday words for a measure → the line item names they stand for, best first. A synonym only
 * resolves to a name the catalog has; "sales" is Revenue in one model and Net Sales in another.
 */
export const MEASURE_SYNONYMS: readonly {
  words: string[]
  names: string[]
  /**
   * A word for a family of line items ("costs" for salaries, travel and their total): when it
   * falls on a total that has siblings summed the same way in its module, ask which.
   */
  broad?: boolean
}[] = [
  {
    words: [
      'sold',
      'sell',
      'sells',
      'selling',
      'volume',
      'volumes',
      'quantity',
      'quantities',
      'qty',
      'unit',
      'shipped',
      'shipments',
    ],
    names: ['Units', 'Units Sold', 'Quantity', 'Volume'],
  },
  {
    // A pair wins over its single word: what something "brought in" is the money it made.
    words: [
      'sales',
      'sale',
      'turnover',
      'takings',
      'income',
      'revenues',
      'topline',
      'top line',
      'bring in',
      'brings in',
      'brought in',
      'bringing in',
      'take in',
      'took in',
      'taken in',
      'pull in',
      'pulled in',
      'rake in',
      'raked in',
    ],
    names: ['Revenue', 'Net Sales', 'Sales', 'Gross Sales', 'Net Revenue'],
  },
  {
    words: ['revenue'],
    names: ['Revenue', 'Net Sales', 'Net Revenue'],
  },
  {
    words: [
      'people',
      'staff',
      'fte',
      'ftes',
      'employees',
      'heads',
      'workforce',
      'personnel',
      'head count',
      'hc',
      'ppl',
      'folks',
      'bodies',
    ],
    names: ['Headcount', 'FTE', 'Employees'],
  },
  {
    words: [
      'costs',
      'cost',
      'spend',
      'spending',
      'expenses',
      'expense',
      'opex',
      'expenditure',
      'expensive',
      'costly',
      'costliest',
    ],
    names: ['Total Expenses', 'Total Costs', 'Expenses', 'Costs', 'Total Cost'],
    broad: true,
  },
  {
    words: [
      'prices',
      'pricing',
      'asp',
      'unit price',
      'selling price',
      'expensive',
      'pricey',
      'pricier',
      'priciest',
      'cheap',
      'cheaper',
      'cheapest',
      'costliest',
      // What something sells for is its price, not how many were sold.
      'selling for',
      'sell for',
      'sells for',
      'sold for',
      'go for',
      'goes for',
      'going for',
      'priced at',
    ],
    names: ['Price', 'Unit Price', 'Average Price'],
  },
  {
    words: ['margin', 'margins', 'profitability'],
    names: ['Margin', 'Margin %', 'Gross Margin', 'Gross Margin %'],
  },
  {
    // A model with both a salary cost and an average salary is asked which ("the pay in
    // marketing"); "avg salary" and "salary cost" say it themselves.
    words: ['salary', 'salaries', 'wages', 'pay'],
    names: ['Salaries', 'Salary', 'Salary Cost', 'Salary Costs', 'Average Salary'],
  },
  {
    // The payroll is what the salaries cost in all, never an average.
    words: ['payroll', 'payrolls', 'wage bill', 'salary bill'],
    names: ['Payroll', 'Salary Cost', 'Salary Costs', 'Salaries'],
  },
  { words: ['travelling', 'traveling', 'trips'], names: ['Travel'] },
]

/** Version words and abbreviations → version names they stand for, best first. */
export const VERSION_SYNONYMS: readonly { words: string[]; names: string[] }[] = [
  {
    words: [
      'forecast',
      'forecasts',
      'forecasted',
      'fcst',
      'fcast',
      'fc',
      'fct',
      'projected',
      'projection',
      'outlook',
    ],
    names: ['Forecast'],
  },
  {
    words: [
      'budget',
      'budgets',
      'budgeted',
      'budgeting',
      'bud',
      'bdgt',
      'plan',
      'planned',
      'target',
      'targets',
    ],
    names: ['Budget', 'Plan'],
  },
  {
    words: ['actual', 'actuals', 'act', 'acts', 'actually', 'real', 'realised', 'realized'],
    names: ['Actual', 'Actuals'],
  },
]

/**
 * Words that name nothing in a model: question words, verbs of asking, determiners, shape and
 * period words. A word outside this set that no catalog name matched is named back, never dropped.
 */
export const FILLER = new Set(
  `bigger larger greater smaller better worse fewer gimme lemme wanna gonna gotta kindly plz thx ty atm rn nvm btw fyi tbh imo asap idk lol cheers fine u ur flip flipped toggle swap switch switched a about above across actually after again against ago all along also altogether am amount amounts an and any anything are
   area areas as ask at average averages back be been before being below best between biggest bottom break breakdown
   breaks broke broken brought but by calculate can change changed changes chart check combined compare compared
   comparing comparison could current currently data date day decline declined decrease decreased detail details did
   difference differences do does doing done down drop dropped drove drive driver drivers each either else every
   everything exactly explain fall fell figure figures find first for from full gap get give go going got graph
   grew grow growth had half has have having he hello help here hey hi high higher highest how however i if in
   increase increased is it its itself just know largest last latest least less let lets like list look looking
   low lower lowest made make many me mean month monthly months more most much my need next no not now number
   numbers of off on one only or order ordered other our out over overall per percent percentage perform performance
   performed period periods please pls plus point previous pull quarter quarterly quarters quick quickly range rank
   ranked ranking rate ratio really rest rise rose same see share should show showing since sitting so some sort
   sorted split stand standing strongest sum summary table tell than thanks that the their them then there these
   they thing things this those three through throughout thru til till time times to today top total totals trend
   trending trends two under until up us value values versus vs want was way we weakest were what whats when where
   which while who whole why will with within worst would year yearly years yes you your ytd mtd qtd graph plot
   chart table lines line bars bar visual visualise visualize table tabular instead how's what's who's where's
   it's that's let's versus v against across proportion contribution contributed contributor contributors
   detractors share shares split splits view views model models planning numbers month-by-month
   sequence smallest greatest leading lagging fastest slowest top-selling best-selling worst-selling bestselling
   highs lows peak peaked dip dipped jump jumped climb climbed slump slumped moved move movement shift shifted
   compared versus relative vs. pct percent % ones one's two three four five six seven eight nine ten twenty
   hundred thousand million dollars euros eur usd gbp units-wise wise basis level levels items item entries
   entry status state shape happening happened ok okay alright cool great
   team teams avg mean tho though anyway anyways stack stacks stacked name names named exist exists existing
   hmm hmmm hm um umm uh uhh er erm ah oh behind unrelated random question questions
   far off apart side diff put weird strange odd huh wow interesting narrow restrict limit say says said different differ comes came coming zoom zooming focus spent fewest driving peaked excluding exclude excl except without minus drill dig trend trends trended trending track tracked tracking sorry meant specifically particularly precisely instead terms
   whatever assume assumes assumed assuming pie donut doughnut column columns try trying tried retry redo take taking remove removing hide hiding skip skipping ignore ignoring rid leave leaving performing performer performers selling seller sellers variance variances delta deltas
   member members sit sits belong belongs contain contains include includes included inside work working
   board pack deck decks slides slide meeting meetings presentation exec execs cfo ceo boss manager tmrw tmr tomorrow tonight yesterday urgent urgently needed needs prep prepping preparing
   hw wat wht abt wrong oops whoops mistake typo mistyped scratch em account accounts accounted jus juts jst onyl`.split(
    /\s+/,
  ),
)

/** Number words for "top three". */
export const NUMBER_WORDS: Record<string, number> = {
  one: 1,
  two: 2,
  three: 3,
  four: 4,
  five: 5,
  six: 6,
  seven: 7,
  eight: 8,
  nine: 9,
  ten: 10,
  twenty: 20,
}
